"""Plain values the inventory app hands to other apps."""

from dataclasses import dataclass
from datetime import date


@dataclass(frozen=True)
class StockLine:
    """One variant's stock at one location."""

    stock_id: int
    variant_id: int
    location_id: int
    location_code: str
    location_name: str
    location_kind: str
    sells_over_counter: bool
    on_hand: int
    reserved: int
    low_stock_threshold: int

    @property
    def available(self) -> int:
        return self.on_hand - self.reserved


@dataclass(frozen=True)
class LowStockItem:
    """Stock at or below its alert threshold, with the seller to tell."""

    stock_id: int
    variant_id: int
    location_id: int
    location_name: str
    seller_id: int
    on_hand: int
    reserved: int
    available: int
    threshold: int


@dataclass(frozen=True)
class LotPart:
    """Units of one harvest lot (`lot_id` None: units whose lot was not recorded)."""

    lot_id: int | None
    harvested_on: date | None
    quantity: int
