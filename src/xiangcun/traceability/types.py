"""Plain values the traceability app hands to other apps and to its pages."""

import datetime
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any


@dataclass(frozen=True)
class RecallContact:
    """A buyer to tell about a recall: filled by orders through `recall_contacts_register`."""

    order_number: str
    buyer_name: str
    phone: str


@dataclass(frozen=True)
class RecallResult:
    """What `lot_recall` did: the lot, the order lines it reached and the buyers told by SMS."""

    lot: Any
    order_line_ids: list[int]
    contacts: list[RecallContact] = field(default_factory=list)
    notified: int = 0


@dataclass(frozen=True)
class CaptureResult:
    """An accepted EPCIS capture: every event of the document was stored."""

    capture_id: int
    event_count: int
    event_ids: list[str]


@dataclass(frozen=True)
class QueryPage:
    """One page of an EPCIS query: events as EPCIS 2.0 JSON-LD, and the cursor of the next."""

    events: list[dict[str, Any]]
    context: list[Any]
    next_page_token: str | None


@dataclass(frozen=True)
class JourneyStep:
    """One step of a lot's journey in plain words, for the trace page.

    `time` is aware, in Asia/Shanghai; `what` is a translated sentence; `biz_step` the CBV
    bare name (e.g. "shipping") for icons; `place` "" when unknown.
    """

    time: datetime.datetime
    what: str
    place: str
    biz_step: str
    disposition: str
    event_id: str


@dataclass(frozen=True)
class EventVerifyProblem:
    """A stored EPCIS event whose content no longer matches its hash, or a broken chain."""

    event_pk: int
    event_id: str
    lot_code: str
    problem: str


@dataclass(frozen=True)
class EpcisAccess:
    """What an actor may do with EPCIS events, decided from their roles and approved shops.

    read_all: may read every event; capture_any_lot: may record events of any lot (and of
    objects that are not our lots); seller_ids: the approved shops they act for, whose lots'
    events they may read and record.
    """

    read_all: bool = False
    capture_any_lot: bool = False
    seller_ids: frozenset[int] = frozenset()

    @property
    def may_read(self) -> bool:
        return self.read_all or bool(self.seller_ids)

    @property
    def may_capture(self) -> bool:
        return self.capture_any_lot or bool(self.seller_ids)


@dataclass(frozen=True)
class LotLink:
    """Enough of a lot to link to its public trace page (/01/<gtin>/10/<code>) and say when it
    was harvested."""

    lot_id: int
    gtin: str
    code: str
    harvested_on: datetime.date


@dataclass(frozen=True)
class PackOption:
    """A pack size a lot may be packed into: what one pack takes of the lot (in the lot's
    unit; None when it does not convert) and how many were packed so far."""

    variant_id: int
    name: str
    name_en: str
    per_pack: Decimal | None
    packed: int
