"""The search index, smaller (issue 16).

- PostgreSQL: the band columns become text (the terms, space-separated, as on SQLite) and the
  GIN index covers them joined and cast to `tsvector` (an expression index with one key per
  term, whatever its band; the band is tested on the row): a tsvector column stored a 4-byte
  entry per term besides the term, and the row is where most of the index's bytes are.
  Existing rows keep their terms (converted in place), so no reindex is needed; a
  `xiangcun search_reindex` also leaves out the terms that now go (see tokens.band_texts).
- Both: the row's own indexes on category and brand go (catalog_row_category and
  catalog_row_brand start with those columns and serve the same lookups).
"""

import django.db.models.deletion
from django.db import migrations, models

ROWS = "catalog_searchrow"
COLUMNS = [f"band_{x}" for x in "abcdefgh"]
# The indexes Django made for the two foreign keys (named as it names them).
FK_INDEXES = [
    ("catalog_searchrow_brand_id_af2a8d0b", "brand_id"),
    ("catalog_searchrow_category_id_a443b02b", "category_id"),
]

POSTGRES_FORWARD = [
    "DROP INDEX IF EXISTS catalog_search_gin",
    *(
        # ' t1 t2 ...' from the tsvector's lexemes ('' when it has none).
        f"ALTER TABLE {ROWS} ALTER COLUMN {column} TYPE text USING "
        f"COALESCE(' ' || NULLIF(array_to_string(tsvector_to_array({column}), ' '), ''), '')"
        for column in COLUMNS
    ),
    # One key per term, whatever its band (the band is tested on the row).
    f"CREATE INDEX catalog_search_gin ON {ROWS} USING gin ((({' || '.join(COLUMNS)})::tsvector))",
]
POSTGRES_BACKWARD = [
    "DROP INDEX IF EXISTS catalog_search_gin",
    *(
        f"ALTER TABLE {ROWS} ALTER COLUMN {column} TYPE tsvector USING {column}::tsvector"
        for column in COLUMNS
    ),
    f"CREATE INDEX catalog_search_gin ON {ROWS} USING gin ({', '.join(COLUMNS)})",
]


def _run(schema_editor, statements):
    if schema_editor.connection.vendor == "postgresql":
        for statement in statements:
            schema_editor.execute(statement)


def bands_to_text(apps, schema_editor):
    # A database migrated afresh already has text bands (0006 adds them as the field is now).
    if schema_editor.connection.vendor != "postgresql":
        return
    with schema_editor.connection.cursor() as cursor:
        cursor.execute(
            "SELECT data_type FROM information_schema.columns "
            "WHERE table_name = %s AND column_name = 'band_a'",
            [ROWS],
        )
        found = cursor.fetchone()
    if found is not None and found[0] == "tsvector":
        _run(schema_editor, POSTGRES_FORWARD)


def bands_to_tsvector(apps, schema_editor):
    _run(schema_editor, POSTGRES_BACKWARD)


class Migration(migrations.Migration):
    dependencies = [
        ("catalog", "0007_product_shop_listed_index"),
    ]

    operations = [
        # State only, then the two indexes dropped by name: on SQLite an AlterField would
        # remake the table, and its FTS5 triggers (migration 0006) would go with the old one.
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="searchrow",
                    name="brand",
                    field=models.ForeignKey(
                        blank=True,
                        db_index=False,
                        null=True,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to="catalog.brand",
                    ),
                ),
                migrations.AlterField(
                    model_name="searchrow",
                    name="category",
                    field=models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to="catalog.category",
                    ),
                ),
            ],
            database_operations=[
                migrations.RunSQL(
                    [f"DROP INDEX IF EXISTS {name}" for name, _ in FK_INDEXES],
                    [f"CREATE INDEX {name} ON {ROWS} ({column})" for name, column in FK_INDEXES],
                ),
            ],
        ),
        migrations.RunPython(bands_to_text, bands_to_tsvector),
    ]
