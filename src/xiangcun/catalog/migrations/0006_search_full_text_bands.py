"""Product search moves to the databases' own full-text engines.

The term table (one row per term per product, about 11 KB per product with its indexes) goes;
each SearchRow gets its terms in four weight bands instead (see catalog/search/tokens.py), and:

- on SQLite, the FTS5 table `catalog_search_fts` indexes them (external content: the text stays
  in catalog_searchrow, read back by the 'delete' commands of the triggers that keep the index
  current); a prefix index for one character (the prefixes with the most terms; at 3,000
  products it adds 220 bytes per product, one for two characters as well another 230);
  `detail=column` keeps which band an entry is in but no positions (no phrase queries);
- on PostgreSQL the bands are tsvectors, and one GIN index covers the four columns.

The bands of existing rows start empty: run `xiangcun search_reindex` after migrating.
"""

from django.db import migrations

import xiangcun.catalog.models

FTS = "catalog_search_fts"
ROWS = "catalog_searchrow"
BANDS = ", ".join(f"band_{x}" for x in "abcdefgh")
OLD_BANDS = ", ".join(f"old.band_{x}" for x in "abcdefgh")
NEW_BANDS = ", ".join(f"new.band_{x}" for x in "abcdefgh")

SQLITE_FORWARD = [
    f"CREATE VIRTUAL TABLE {FTS} USING fts5({BANDS}, content='{ROWS}', "
    "content_rowid='product_id', tokenize='ascii', detail='column', columnsize=0, "
    "prefix='1')",
    f"CREATE TRIGGER catalog_search_fts_insert AFTER INSERT ON {ROWS} BEGIN "
    f"INSERT INTO {FTS}(rowid, {BANDS}) VALUES (new.product_id, {NEW_BANDS}); END",
    f"CREATE TRIGGER catalog_search_fts_delete AFTER DELETE ON {ROWS} BEGIN "
    f"INSERT INTO {FTS}({FTS}, rowid, {BANDS}) VALUES ('delete', old.product_id, {OLD_BANDS}); "
    "END",
    f"CREATE TRIGGER catalog_search_fts_update AFTER UPDATE ON {ROWS} BEGIN "
    f"INSERT INTO {FTS}({FTS}, rowid, {BANDS}) VALUES ('delete', old.product_id, {OLD_BANDS}); "
    f"INSERT INTO {FTS}(rowid, {BANDS}) VALUES (new.product_id, {NEW_BANDS}); END",
    f"INSERT INTO {FTS}({FTS}) VALUES ('rebuild')",
]
SQLITE_BACKWARD = [
    "DROP TRIGGER IF EXISTS catalog_search_fts_insert",
    "DROP TRIGGER IF EXISTS catalog_search_fts_delete",
    "DROP TRIGGER IF EXISTS catalog_search_fts_update",
    f"DROP TABLE IF EXISTS {FTS}",
]
# The bands are text since migration 0008 (SearchTokensField), so a database migrated afresh
# gets them as text here and the index 0008 makes; one migrated before keeps its tsvectors
# until 0008 converts them.
POSTGRES_FORWARD = [
    f"CREATE INDEX catalog_search_gin ON {ROWS} USING gin ((("
    + " || ".join(f"band_{x}" for x in "abcdefgh")
    + ")::tsvector))",
]
POSTGRES_BACKWARD = ["DROP INDEX IF EXISTS catalog_search_gin"]


def _run(schema_editor, sqlite, postgres):
    vendor = schema_editor.connection.vendor
    for statement in {"sqlite": sqlite, "postgresql": postgres}.get(vendor, []):
        schema_editor.execute(statement)


def create_full_text_index(apps, schema_editor):
    _run(schema_editor, SQLITE_FORWARD, POSTGRES_FORWARD)


def drop_full_text_index(apps, schema_editor):
    _run(schema_editor, SQLITE_BACKWARD, POSTGRES_BACKWARD)


class Migration(migrations.Migration):
    dependencies = [
        ("catalog", "0005_search_synonym"),
    ]

    operations = [
        migrations.DeleteModel(
            name="SearchTerm",
        ),
        migrations.AddField(
            model_name="searchrow",
            name="band_a",
            field=xiangcun.catalog.models.SearchTokensField(default=""),
        ),
        migrations.AddField(
            model_name="searchrow",
            name="band_b",
            field=xiangcun.catalog.models.SearchTokensField(default=""),
        ),
        migrations.AddField(
            model_name="searchrow",
            name="band_c",
            field=xiangcun.catalog.models.SearchTokensField(default=""),
        ),
        migrations.AddField(
            model_name="searchrow",
            name="band_d",
            field=xiangcun.catalog.models.SearchTokensField(default=""),
        ),
        migrations.AddField(
            model_name="searchrow",
            name="band_e",
            field=xiangcun.catalog.models.SearchTokensField(default=""),
        ),
        migrations.AddField(
            model_name="searchrow",
            name="band_f",
            field=xiangcun.catalog.models.SearchTokensField(default=""),
        ),
        migrations.AddField(
            model_name="searchrow",
            name="band_g",
            field=xiangcun.catalog.models.SearchTokensField(default=""),
        ),
        migrations.AddField(
            model_name="searchrow",
            name="band_h",
            field=xiangcun.catalog.models.SearchTokensField(default=""),
        ),
        migrations.RunPython(create_full_text_index, drop_full_text_index),
    ]
