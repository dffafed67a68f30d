"""The service centre's reads, re-exported from their modules."""

from xiangcun.servicecenter.selectors.drawer import drawer_for_cash, drawer_open_for

__all__ = [
    "drawer_for_cash",
    "drawer_open_for",
]
