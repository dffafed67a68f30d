"""On SQLite, the full-text index also holds each product's filter values as terms, so that text
with a filter (蜡染 in one township) is counted and read from the index alone.

The FTS5 table gets a ninth column, `facets`: ` t<township> c<category> b<brand> d<direction>`.
It is computed by the triggers from the row's own columns (the row table stores nothing more),
so the table is filled here with INSERT ... SELECT rather than FTS5's 'rebuild' (which would look
for a `facets` column in catalog_searchrow). PostgreSQL is unchanged: its planner combines the
GIN index with the filter columns' b-tree indexes itself.
"""

from django.db import migrations

FTS = "catalog_search_fts"
ROWS = "catalog_searchrow"
COLUMNS = [f"band_{x}" for x in "abcdefgh"]
BANDS = ", ".join(COLUMNS)


def _facets(row: str) -> str:
    return (
        f"' t' || coalesce({row}.township_id, '') || ' c' || coalesce({row}.category_id, '') || "
        f"' b' || coalesce({row}.brand_id, '') || ' d' || coalesce({row}.direction, '')"
    )


def _values(row: str) -> str:
    return ", ".join([f"{row}.product_id", *(f"{row}.{c}" for c in COLUMNS), _facets(row)])


TRIGGERS_DROP = [
    "DROP TRIGGER IF EXISTS catalog_search_fts_insert",
    "DROP TRIGGER IF EXISTS catalog_search_fts_delete",
    "DROP TRIGGER IF EXISTS catalog_search_fts_update",
    f"DROP TABLE IF EXISTS {FTS}",
]


def _table(columns: str) -> str:
    return (
        f"CREATE VIRTUAL TABLE {FTS} USING fts5({columns}, content='{ROWS}', "
        "content_rowid='product_id', tokenize='ascii', detail='column', columnsize=0, "
        "prefix='1')"
    )


FORWARD = [
    *TRIGGERS_DROP,
    _table(f"{BANDS}, facets"),
    f"CREATE TRIGGER catalog_search_fts_insert AFTER INSERT ON {ROWS} BEGIN "
    f"INSERT INTO {FTS}(rowid, {BANDS}, facets) VALUES ({_values('new')}); END",
    f"CREATE TRIGGER catalog_search_fts_delete AFTER DELETE ON {ROWS} BEGIN "
    f"INSERT INTO {FTS}({FTS}, rowid, {BANDS}, facets) VALUES ('delete', {_values('old')}); END",
    f"CREATE TRIGGER catalog_search_fts_update AFTER UPDATE ON {ROWS} BEGIN "
    f"INSERT INTO {FTS}({FTS}, rowid, {BANDS}, facets) VALUES ('delete', {_values('old')}); "
    f"INSERT INTO {FTS}(rowid, {BANDS}, facets) VALUES ({_values('new')}); END",
    f"INSERT INTO {FTS}(rowid, {BANDS}, facets) SELECT {_values(ROWS)} FROM {ROWS}",
]
BACKWARD = [
    *TRIGGERS_DROP,
    _table(BANDS),
    f"CREATE TRIGGER catalog_search_fts_insert AFTER INSERT ON {ROWS} BEGIN "
    f"INSERT INTO {FTS}(rowid, {BANDS}) VALUES (new.product_id, "
    f"{', '.join(f'new.{c}' for c in COLUMNS)}); END",
    f"CREATE TRIGGER catalog_search_fts_delete AFTER DELETE ON {ROWS} BEGIN "
    f"INSERT INTO {FTS}({FTS}, rowid, {BANDS}) VALUES ('delete', old.product_id, "
    f"{', '.join(f'old.{c}' for c in COLUMNS)}); END",
    f"CREATE TRIGGER catalog_search_fts_update AFTER UPDATE ON {ROWS} BEGIN "
    f"INSERT INTO {FTS}({FTS}, rowid, {BANDS}) VALUES ('delete', old.product_id, "
    f"{', '.join(f'old.{c}' for c in COLUMNS)}); "
    f"INSERT INTO {FTS}(rowid, {BANDS}) VALUES (new.product_id, "
    f"{', '.join(f'new.{c}' for c in COLUMNS)}); END",
    f"INSERT INTO {FTS}({FTS}) VALUES ('rebuild')",
]


def _run(schema_editor, statements):
    if schema_editor.connection.vendor == "sqlite":
        for statement in statements:
            schema_editor.execute(statement)


def forward(apps, schema_editor):
    _run(schema_editor, FORWARD)


def backward(apps, schema_editor):
    _run(schema_editor, BACKWARD)


class Migration(migrations.Migration):
    dependencies = [
        ("catalog", "0008_search_text_bands_fewer_indexes"),
    ]

    operations = [migrations.RunPython(forward, backward)]
