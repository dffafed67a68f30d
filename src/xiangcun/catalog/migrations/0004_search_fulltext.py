"""Search on the databases' own full-text engines instead of one row per term per product.

SQLite: an FTS5 table over SearchRow's term columns (external content, column detail, prefix
indexes for one and two characters). PostgreSQL: a `document` tsvector column on SearchRow
with a GIN index (not in the model: Django has no portable field for it). The term table is
dropped, and staff-editable synonyms arrive with three examples. Existing products reach the
new index with `xiangcun search_reindex` after migrating (search finds nothing until then).
"""

from django.db import migrations, models

FTS_TABLE = "catalog_search_fts"

EXAMPLE_SYNONYMS = (
    ("苗银", "银饰 首饰 银首饰"),
    ("红米", "米 大米"),
    ("土蜂蜜", "蜂蜜 土蜂"),
)


def create_index(apps, schema_editor):
    rows = apps.get_model("catalog", "SearchRow")._meta.db_table
    vendor = schema_editor.connection.vendor
    # The rows go too: the new index starts empty and `search_reindex` fills both together
    # (SQLite's external-content index must only ever be told to drop rows it holds).
    schema_editor.execute(f"DELETE FROM {rows}")
    if vendor == "sqlite":
        schema_editor.execute(
            f"CREATE VIRTUAL TABLE {FTS_TABLE} USING fts5(terms_name, terms_tags, terms_body, "
            f"content='{rows}', content_rowid='product_id', columnsize=0, detail=column, "
            "prefix='1 2', tokenize='unicode61 remove_diacritics 0')"
        )
    elif vendor == "postgresql":
        schema_editor.execute(
            f"ALTER TABLE {rows} ADD COLUMN document tsvector NOT NULL DEFAULT ''"
        )
        # GIN's pending list (fastupdate, the default) batches the ~150 entries a product adds.
        schema_editor.execute(f"CREATE INDEX catalog_row_document ON {rows} USING gin (document)")


def drop_index(apps, schema_editor):
    rows = apps.get_model("catalog", "SearchRow")._meta.db_table
    vendor = schema_editor.connection.vendor
    if vendor == "sqlite":
        schema_editor.execute(f"DROP TABLE IF EXISTS {FTS_TABLE}")
    elif vendor == "postgresql":
        schema_editor.execute("DROP INDEX IF EXISTS catalog_row_document")
        schema_editor.execute(f"ALTER TABLE {rows} DROP COLUMN IF EXISTS document")


def add_examples(apps, schema_editor):
    synonym = apps.get_model("catalog", "SearchSynonym")
    for word, also in EXAMPLE_SYNONYMS:
        synonym.objects.get_or_create(word=word, defaults={"also": also})


def remove_examples(apps, schema_editor):
    synonym = apps.get_model("catalog", "SearchSynonym")
    synonym.objects.filter(word__in=[word for word, _ in EXAMPLE_SYNONYMS]).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("catalog", "0003_product_handling_variant_parcel"),
    ]

    operations = [
        migrations.CreateModel(
            name="SearchSynonym",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "word",
                    models.CharField(
                        max_length=40, unique=True, verbose_name="word in the goods' text"
                    ),
                ),
                (
                    "also",
                    models.CharField(
                        help_text="Words separated by spaces, as shoppers type them.",
                        max_length=200,
                        verbose_name="also found by",
                    ),
                ),
            ],
            options={
                "verbose_name": "search synonym",
                "verbose_name_plural": "search synonyms",
                "ordering": ("word",),
            },
        ),
        migrations.AddField(
            model_name="searchrow",
            name="terms_body",
            field=models.TextField(blank=True, default=""),
        ),
        migrations.AddField(
            model_name="searchrow",
            name="terms_name",
            field=models.TextField(blank=True, default=""),
        ),
        migrations.AddField(
            model_name="searchrow",
            name="terms_tags",
            field=models.TextField(blank=True, default=""),
        ),
        migrations.DeleteModel(
            name="SearchTerm",
        ),
        migrations.RunPython(create_index, drop_index),
        migrations.RunPython(add_examples, remove_examples),
    ]
