"""The administrative divisions file shipped with the app, read as plain rows.

`data/divisions.csv` holds every province, prefecture and county of mainland China (its
source, date and licence are in `data/README.md`). The data migration and `divisions_load`
both read it through `division_rows`, so the two can never disagree on its format.
"""

import csv
from dataclasses import dataclass
from pathlib import Path

DIVISIONS_FILE = Path(__file__).resolve().parent / "data" / "divisions.csv"


@dataclass(frozen=True)
class DivisionRow:
    code: str
    parent: str  # "" for a province
    level: str
    name: str
    name_en: str


def division_rows(path: Path = DIVISIONS_FILE) -> list[DivisionRow]:
    """Every row of the file in code order, so a parent always comes before its children."""
    with path.open(encoding="utf-8", newline="") as handle:
        rows = [
            DivisionRow(
                code=record["code"],
                parent=record["parent"],
                level=record["level"],
                name=record["name"],
                name_en=record["name_en"],
            )
            for record in csv.DictReader(handle)
        ]
    return sorted(rows, key=lambda row: row.code)


_ROWS_PER_INSERT = 150  # 750 parameters: under SQLite's oldest limit of 999


def division_inserts() -> list[tuple[str, list[str | None]]]:
    """The whole file as multi-row INSERT statements into an empty divisions table.

    Plain SQL rather than the ORM: the data migration runs it where rendering every model
    first would cost a second, and the test suite builds this database many times."""
    rows = division_rows()
    statements: list[tuple[str, list[str | None]]] = []
    for start in range(0, len(rows), _ROWS_PER_INSERT):
        chunk = rows[start : start + _ROWS_PER_INSERT]
        values = ", ".join(["(%s, %s, %s, %s, %s)"] * len(chunk))
        params: list[str | None] = []
        for row in chunk:
            params += [row.code, row.name, row.name_en, row.level, row.parent or None]
        # Only "%s" placeholders are formatted into the text; the values go as parameters.
        sql = (
            f"INSERT INTO regions_division (code, name, name_en, level, parent_id) VALUES {values}"  # noqa: S608
        )
        statements.append((sql, params))
    return statements
