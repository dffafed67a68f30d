"""SQLite: the full-text table becomes contentless, and SearchRow keeps the terms it was given
zlib-compressed in one column instead of as three text columns (a third of the size), which is
all a contentless FTS5 table needs to take a product out again. PostgreSQL is unchanged (its
tsvector holds the terms). Run `xiangcun search_reindex` after migrating on SQLite.
"""

from django.db import migrations, models

FTS_TABLE = "catalog_search_fts"
OPTIONS = "columnsize=0, detail=column, prefix='1 2', tokenize='unicode61 remove_diacritics 0'"


def contentless(apps, schema_editor):
    if schema_editor.connection.vendor != "sqlite":
        return
    rows = apps.get_model("catalog", "SearchRow")._meta.db_table
    schema_editor.execute(f"DROP TABLE IF EXISTS {FTS_TABLE}")
    schema_editor.execute(f"DELETE FROM {rows}")
    schema_editor.execute(
        f"CREATE VIRTUAL TABLE {FTS_TABLE} USING fts5(terms_name, terms_tags, terms_body, "
        f"content='', {OPTIONS})"
    )


def external_content(apps, schema_editor):
    if schema_editor.connection.vendor != "sqlite":
        return
    rows = apps.get_model("catalog", "SearchRow")._meta.db_table
    schema_editor.execute(f"DROP TABLE IF EXISTS {FTS_TABLE}")
    schema_editor.execute(f"DELETE FROM {rows}")
    schema_editor.execute(
        f"CREATE VIRTUAL TABLE {FTS_TABLE} USING fts5(terms_name, terms_tags, terms_body, "
        f"content='{rows}', content_rowid='product_id', {OPTIONS})"
    )


class Migration(migrations.Migration):
    dependencies = [
        ("catalog", "0004_search_fulltext"),
    ]

    operations = [
        migrations.RunPython(contentless, external_content),
        migrations.RemoveField(
            model_name="searchrow",
            name="terms_body",
        ),
        migrations.RemoveField(
            model_name="searchrow",
            name="terms_name",
        ),
        migrations.RemoveField(
            model_name="searchrow",
            name="terms_tags",
        ),
        migrations.AddField(
            model_name="searchrow",
            name="terms",
            field=models.BinaryField(blank=True, null=True),
        ),
    ]
