"""The divisions table held in memory: one query builds it, then every lookup is free.

Divisions change once a year at most, when `divisions_load` refreshes the table (it clears this
process's copy; other processes see the change when they restart). An empty table is never
cached, so a process that started before the data was loaded looks again next time.
"""

import threading
from dataclasses import dataclass, field

from xiangcun.regions.models import Division
from xiangcun.regions.types import DivisionLevel, DivisionOut


@dataclass
class DivisionIndex:
    by_code: dict[str, DivisionOut] = field(default_factory=dict)
    children: dict[str, list[DivisionOut]] = field(default_factory=dict)  # "" = provinces


_lock = threading.Lock()
_cached: DivisionIndex | None = None
# Counts the clears: a build that began before the latest clear may have read the table while it
# was being refilled, and is used once but never kept.
_generation = 0


def _build() -> DivisionIndex:
    rows = list(
        Division.objects.order_by("code").values_list(
            "code", "parent_id", "level", "name", "name_en"
        )
    )
    parents = {parent for _, parent, _, _, _ in rows if parent}
    index = DivisionIndex()
    for code, parent, level, name, name_en in rows:
        division = DivisionOut(
            code=code,
            name=name,
            name_en=name_en,
            level=DivisionLevel(level),
            parent_code=parent or "",
            has_children=code in parents,
        )
        index.by_code[code] = division
        index.children.setdefault(division.parent_code, []).append(division)
    return index


def division_index() -> DivisionIndex:
    global _cached
    index = _cached
    if index is not None:
        return index
    started = _generation
    built = _build()
    with _lock:
        if _cached is not None:
            return _cached
        if built.by_code and started == _generation:
            _cached = built
    return built


def division_index_clear() -> None:
    """Forget this process's copy: after the table changed (a refill after a flush, a new
    year's codes)."""
    global _cached, _generation
    with _lock:
        _cached = None
        _generation += 1
