"""How many units of a variant buyers can still order: inventory answers, the catalogue asks.

Inventory sits above catalog, so it registers `source(*, variant_ids) -> {variant_id: available}`
in its AppConfig.ready(); until it has, every variant has 0.
"""

from collections.abc import Callable, Iterable

AvailabilitySource = Callable[..., dict[int, int]]

_availability_source: list[AvailabilitySource] = []


def register_availability_source(source: AvailabilitySource) -> None:
    """Inventory registers the function that answers `variant_availability` (one only)."""
    _availability_source[:] = [source]


def variant_availability(*, variant_ids: Iterable[int]) -> dict[int, int]:
    """Units available per variant; 0 for every variant until inventory has registered."""
    ids = list(variant_ids)
    available = dict.fromkeys(ids, 0)
    if ids and _availability_source:
        available.update(_availability_source[0](variant_ids=ids))
    return available
