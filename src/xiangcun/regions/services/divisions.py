"""Refreshing the divisions table from the file shipped with the app."""

from pathlib import Path

from django.db import transaction
from django.db.models import ProtectedError

from xiangcun.regions.division_index import division_index_clear
from xiangcun.regions.divisions_data import DIVISIONS_FILE, division_rows
from xiangcun.regions.errors import DivisionInUseError
from xiangcun.regions.models import Division
from xiangcun.regions.types import DivisionsLoadResult

_LEVEL_ORDER = {"province": 0, "prefecture": 1, "county": 2}


@transaction.atomic
def divisions_load(*, path: str | None = None) -> DivisionsLoadResult:
    """Make the divisions table match the file: add new codes, update renamed or moved ones,
    remove codes the file no longer has. Idempotent; a second run changes nothing.

    A removed code that something still points at (a division's child) stops the whole
    refresh: the table is left as it was.
    """
    rows = division_rows(Path(path) if path else DIVISIONS_FILE)
    existing = {division.code: division for division in Division.objects.select_for_update()}
    wanted = {row.code for row in rows}
    created: list[Division] = []
    changed: list[Division] = []
    for row in rows:
        values = {
            "parent_id": row.parent or None,
            "level": row.level,
            "name": row.name,
            "name_en": row.name_en,
        }
        current = existing.get(row.code)
        if current is None:
            created.append(Division(code=row.code, **values))
        elif any(getattr(current, key) != value for key, value in values.items()):
            for key, value in values.items():
                setattr(current, key, value)
            changed.append(current)
    Division.objects.bulk_create(created, batch_size=1000)
    Division.objects.bulk_update(changed, ["parent_id", "level", "name", "name_en"], batch_size=500)
    stale = sorted(
        (division for code, division in existing.items() if code not in wanted),
        key=lambda division: -_LEVEL_ORDER.get(division.level, 0),
    )
    try:
        for division in stale:  # counties before their prefectures before provinces
            division.delete()
    except ProtectedError as error:
        raise DivisionInUseError from error
    transaction.on_commit(division_index_clear)
    return DivisionsLoadResult(
        total=len(rows),
        created=len(created),
        updated=len(changed),
        removed=len(stale),
        unchanged=len(rows) - len(created) - len(changed),
    )
