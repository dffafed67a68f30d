"""Reads for the station desk: the assisted actions in the reader's language (one mapping from
action code to text, used by every page) and the residents the station served today."""

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, time
from typing import Any

from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from xiangcun.accounts.types import AnyUser
from xiangcun.core.language import in_reader_language
from xiangcun.orders.types import OrderStatus
from xiangcun.servicecenter.models import AssistedAction, AssistedOrder, Consent
from xiangcun.servicecenter.services._common import acting_station, stations_of

# What each action code says, read in the reader's language when shown.
ACTION_TEXTS: Mapping[str, Promise] = {
    "resident_registered": _("Registered the resident"),
    "consent_recorded": _("Recorded the resident's consent"),
    "consent_withdrawn": _("Recorded that the resident withdrew consent"),
    "order_placed": _("Placed an order"),
    "cash_taken": _("Took cash"),
    "drawer_opened": _("Opened the cash drawer"),
    "drawer_closed": _("Closed the cash drawer"),
    "refund_paid": _("Paid out a refund"),
    "loan_repayment_taken": _("Took a loan repayment in cash"),
    "cash_handed_over": _("Handed cash over"),
}


def action_text(code: str, params: Mapping[str, Any] | None = None) -> str:
    """An action code in the reader's language (an unknown code is shown as itself), with the
    order number when the action names one."""
    text = ACTION_TEXTS.get(code)
    shown = str(text) if text is not None else code
    number = (params or {}).get("order_number") or (params or {}).get("number")
    if number:
        return gettext("%(action)s: %(number)s") % {"action": shown, "number": number}
    return shown


@dataclass(frozen=True)
class ServedResident:
    resident_id: int
    name: str
    last_at: datetime
    last_action: str


def residents_served_today(
    *, actor: AnyUser, station_id: int | None = None, limit: int = 10
) -> list[ServedResident]:
    """The residents this station acted for today, latest first, each with what was done last.
    The actor must act for the station (acting_station refuses otherwise)."""
    station = acting_station(actor, station_id)
    start = timezone.make_aware(datetime.combine(timezone.localdate(), time.min))
    rows = (
        AssistedAction.objects.filter(station_id=station, at__gte=start, resident__isnull=False)
        .order_by("-at", "-id")
        .values("resident_id", "resident__name", "code", "params", "at")[: limit * 10]
    )
    found: dict[int, ServedResident] = {}
    for row in rows:
        resident_id = row["resident_id"]
        if resident_id in found:
            continue
        found[resident_id] = ServedResident(
            resident_id=resident_id,
            name=row["resident__name"],
            last_at=row["at"],
            last_action=action_text(row["code"], row["params"]),
        )
        if len(found) >= limit:
            break
    return list(found.values())


@dataclass(frozen=True)
class ResidentOrderRow:
    order_id: int
    number: str
    status: str
    status_label: str
    total: Any
    payment_label: str
    created_at: datetime


def resident_orders(
    *, actor: AnyUser, resident_id: int, station_id: int | None = None, limit: int = 20
) -> list[ResidentOrderRow]:
    """The orders this station's agents placed for one resident, latest first."""
    station = acting_station(actor, station_id)
    payments = dict(AssistedOrder.Payment.choices)
    statuses = dict(OrderStatus.choices)
    rows = (
        AssistedOrder.objects.filter(resident_id=resident_id, station_id=station)
        .order_by("-created_at", "-id")
        .values(
            "order_id", "order__number", "order__status", "order__total", "payment", "created_at"
        )[:limit]
    )
    return [
        ResidentOrderRow(
            order_id=row["order_id"],
            number=row["order__number"],
            status=row["order__status"],
            status_label=str(statuses.get(row["order__status"], row["order__status"])),
            total=row["order__total"],
            payment_label=str(payments.get(row["payment"], row["payment"])),
            created_at=row["created_at"],
        )
        for row in rows
    ]


@dataclass(frozen=True)
class ConsentRow:
    station_name: str
    recorded_by: str
    given_at: datetime
    withdrawn_at: datetime | None


def resident_consents(*, actor: AnyUser, resident_id: int) -> list[ConsentRow]:
    """The resident's consents (live and withdrawn) at the stations the actor acts for: who
    recorded each, when, where."""
    stations = stations_of(actor)
    rows = Consent.objects.filter(resident_id=resident_id)
    if stations is not None:
        rows = rows.filter(station_id__in=stations)
    found = rows.order_by("-given_at", "-id").values(
        "station__name", "station__name_en", "recorded_by__name", "given_at", "withdrawn_at"
    )[:20]
    return [
        ConsentRow(
            station_name=in_reader_language(row["station__name"], row["station__name_en"]),
            recorded_by=row["recorded_by__name"],
            given_at=row["given_at"],
            withdrawn_at=row["withdrawn_at"],
        )
        for row in found
    ]
