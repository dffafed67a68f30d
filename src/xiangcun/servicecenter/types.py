"""Plain values the service centre hands to pages, the API and other apps: a resident as the
counter shows them, an assisted order just placed, and its receipt."""

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any


@dataclass(frozen=True)
class ResidentRow:
    """A resident as an agent sees them: phone and ID card number masked, never in clear."""

    id: int
    name: str
    phone_masked: str
    village: str
    village_code: str
    id_number_masked: str
    has_login: bool


@dataclass(frozen=True)
class AssistedOrderPlaced:
    """The answer to an assisted order: the order (orders' row, lines prefetched) and whether
    this call made it (False: the same Idempotency-Key answered the order placed before)."""

    order: Any
    created: bool
    resident_id: int
    payment: str


@dataclass(frozen=True)
class ReceiptLine:
    name: str
    unit: str
    unit_price: Decimal
    quantity: int
    line_total: Decimal


@dataclass(frozen=True)
class Receipt:
    """What the counter prints or shows in large type for the resident."""

    order_id: int
    number: str
    resident: str
    station: str
    placed_at: datetime
    lines: list[ReceiptLine]
    total: Decimal
    payment: str
    payment_label: str
    paid: bool
    status: str
    pickup_code: str


@dataclass(frozen=True)
class AssistedOrderRow:
    """One assisted order in the station's list."""

    order_id: int
    number: str
    resident_id: int
    resident: str
    agent_id: int
    payment: str
    status: str
    total: Decimal
    placed_at: datetime
