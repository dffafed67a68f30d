"""Load mainland China's provinces, prefectures and counties from regions/data/divisions.csv.

Plain multi-row INSERTs (about 3,200 rows) rather than RunPython: RunPython renders every
model of the project first, which alone took about a second, and the test suite builds this
database many times. `xiangcun divisions-load` refreshes the table from the file later on.
"""

from django.db import migrations

from xiangcun.regions.divisions_data import division_rows

_ROWS_PER_INSERT = 150  # 750 parameters: under SQLite's oldest limit of 999


def _inserts() -> list[tuple[str, list[str | None]]]:
    rows = division_rows()
    statements: list[tuple[str, list[str | None]]] = []
    for start in range(0, len(rows), _ROWS_PER_INSERT):
        chunk = rows[start : start + _ROWS_PER_INSERT]
        values = ", ".join(["(%s, %s, %s, %s, %s)"] * len(chunk))
        params: list[str | None] = []
        for row in chunk:
            params += [row.code, row.name, row.name_en, row.level, row.parent or None]
        statements.append(
            (
                "INSERT INTO regions_division (code, name, name_en, level, parent_id) "
                f"VALUES {values}",
                params,
            )
        )
    return statements


class Migration(migrations.Migration):
    dependencies = [
        ("regions", "0002_division"),
    ]

    operations = [
        migrations.RunSQL(
            sql=_inserts(),
            reverse_sql=["DELETE FROM regions_division"],
        )
    ]
