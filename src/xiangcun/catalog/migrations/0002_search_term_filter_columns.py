"""Search terms carry their product's filter columns, and the lookup index carries them too.

Existing rows get the columns from SearchRow (one UPDATE; on a large index `search_reindex`
followed by VACUUM leaves a tidier table). On PostgreSQL a narrow (term) index is added for
counting a prefix's entries; it is not in the model's Meta because SQLite gains nothing from it.
It is partial (`weight > 0`, true of every row) so that only the count that repeats the
predicate can use it: with its poor estimates for a prefix range the planner would otherwise
read other queries through it and fetch every row from the table.
"""

from django.db import migrations, models


def copy_filter_columns(apps, schema_editor):
    terms = apps.get_model("catalog", "SearchTerm")._meta.db_table
    rows = apps.get_model("catalog", "SearchRow")._meta.db_table
    schema_editor.execute(
        f"UPDATE {terms} SET category_id = r.category_id, brand_id = r.brand_id, "
        "township_id = r.township_id, direction = r.direction, min_price = r.min_price "
        f"FROM {rows} r WHERE r.product_id = {terms}.product_id"
    )


def add_count_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        terms = apps.get_model("catalog", "SearchTerm")._meta.db_table
        schema_editor.execute(f"CREATE INDEX catalog_term_count ON {terms} (term) WHERE weight > 0")


def drop_count_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP INDEX IF EXISTS catalog_term_count")


class Migration(migrations.Migration):
    dependencies = [
        ("catalog", "0001_initial"),
    ]

    operations = [
        # Dropped first so that the UPDATE below does not maintain it row by row.
        migrations.RemoveIndex(
            model_name="searchterm",
            name="catalog_term_lookup",
        ),
        migrations.AddField(
            model_name="searchterm",
            name="category_id",
            field=models.BigIntegerField(default=0),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="searchterm",
            name="brand_id",
            field=models.BigIntegerField(null=True),
        ),
        migrations.AddField(
            model_name="searchterm",
            name="township_id",
            field=models.BigIntegerField(null=True),
        ),
        migrations.AddField(
            model_name="searchterm",
            name="direction",
            field=models.CharField(default="", max_length=4),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="searchterm",
            name="min_price",
            field=models.DecimalField(decimal_places=2, max_digits=14, null=True),
        ),
        migrations.RunPython(copy_filter_columns, migrations.RunPython.noop),
        migrations.AddIndex(
            model_name="searchterm",
            index=models.Index(
                fields=[
                    "term",
                    "weight",
                    "recency",
                    "product",
                    "category_id",
                    "brand_id",
                    "township_id",
                    "direction",
                    "min_price",
                ],
                name="catalog_term_lookup",
            ),
        ),
        migrations.RunPython(add_count_index, drop_count_index),
    ]
