"""The service centre's business actions (one function each), re-exported from their modules."""

from xiangcun.servicecenter.services.drawer import drawer_cash_in, drawer_open

__all__ = [
    "drawer_cash_in",
    "drawer_open",
]
