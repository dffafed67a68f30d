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
