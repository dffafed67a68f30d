"""Reads of the service centre for the programme's figures (impact)."""

from collections.abc import Iterable

from xiangcun.servicecenter.models import AssistedOrder


def assisted_order_residents(*, order_ids: Iterable[int]) -> dict[int, int]:
    """For the assisted ones among these orders, the resident (ResidentProfile id) each was
    placed for, by order id. One query per 900 orders."""
    ids = sorted(set(order_ids))
    out: dict[int, int] = {}
    for start in range(0, len(ids), 900):
        out.update(
            AssistedOrder.objects.filter(order_id__in=ids[start : start + 900]).values_list(
                "order_id", "resident_id"
            )
        )
    return out
