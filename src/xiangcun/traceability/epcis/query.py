"""The EPCIS 2.0 SimpleEventQuery parameters we support, as a queryset, with an opaque,
signed cursor for paging (`nextPageToken`)."""

import hashlib
import json
from collections.abc import Mapping, Sequence
from typing import Any

from django.core import signing
from django.db.models import Q, QuerySet

from xiangcun.traceability.epcis.records import parse_time
from xiangcun.traceability.epcis.validation import EVENT_TYPES
from xiangcun.traceability.epcis.vocab import cbv_uri, epc_pattern_prefix
from xiangcun.traceability.models import Event, EventEpc

DEFAULT_PER_PAGE = 30
MAX_PER_PAGE = 1000
_SALT = "xiangcun.traceability.epcis.query"

_ROLES_EPC = ("epc", "child", "input", "output")
_ROLES_ANY_EPC = (*_ROLES_EPC, "parent")
_ROLES_CLASS = ("quantity", "child_qty", "input_qty", "output_qty")
SUPPORTED = frozenset(
    {
        "eventType",
        "GE_eventTime",
        "LT_eventTime",
        "EQ_bizStep",
        "EQ_disposition",
        "EQ_bizLocation",
        "EQ_readPoint",
        "MATCH_epc",
        "MATCH_anyEPC",
        "MATCH_epcClass",
        "perPage",
        "nextPageToken",
    }
)


class QueryProblem(Exception):  # noqa: N818 - a refusal, shown to the client
    pass


def _values(raw: Sequence[str] | str) -> list[str]:
    """Query values: repeated parameters and `|`-separated lists (the EPCIS REST binding)."""
    items = [raw] if isinstance(raw, str) else list(raw)
    return [part.strip() for item in items for part in item.split("|") if part.strip()]


def _epc_filter(values: list[str], roles: tuple[str, ...]) -> Q:
    condition = Q()
    for value in values:
        prefixes = epc_pattern_prefix(value)
        if prefixes is None:
            condition |= Q(value=value)
        else:
            for prefix in prefixes:
                condition |= Q(value__startswith=prefix)
    events = EventEpc.objects.filter(condition, role__in=roles).values("event_id")
    return Q(id__in=events)


def _time(name: str, raw: list[str]) -> Any:
    if len(raw) != 1:
        raise QueryProblem(f"{name} takes one timestamp")
    try:
        value = parse_time(raw[0].replace(" ", "+"))
    except ValueError as error:
        raise QueryProblem(f"{name}: {raw[0]!r} is not an RFC 3339 timestamp") from error
    if value.tzinfo is None:
        raise QueryProblem(f"{name}: the timestamp needs a time zone offset")
    return value


def _fingerprint(params: Mapping[str, list[str]]) -> str:
    relevant = {k: v for k, v in sorted(params.items()) if k not in ("nextPageToken", "perPage")}
    return hashlib.sha256(json.dumps(relevant).encode()).hexdigest()[:16]


def events_queryset(params: Mapping[str, Sequence[str] | str]) -> tuple[QuerySet[Event], int, int]:
    """(filtered events in id order, page size, id to start after) for query parameters."""
    values = {name: _values(raw) for name, raw in params.items()}
    unknown = sorted(set(values) - SUPPORTED)
    if unknown:
        raise QueryProblem(f"unsupported query parameter(s): {', '.join(unknown)}")
    rows = _events_filtered(values)
    per_page = _per_page(values)
    after = _page_after(values)
    return rows.filter(id__gt=after).order_by("id"), per_page, after


def _events_filtered(values: Mapping[str, list[str]]) -> QuerySet[Event]:
    """The events the query's filters (all but paging) select."""
    rows = Event.objects.all()
    if "eventType" in values:
        types = values["eventType"]
        if not set(types) <= EVENT_TYPES:
            raise QueryProblem(f"eventType must be one of {', '.join(sorted(EVENT_TYPES))}")
        rows = rows.filter(event_type__in=types)
    if "GE_eventTime" in values:
        rows = rows.filter(event_time__gte=_time("GE_eventTime", values["GE_eventTime"]))
    if "LT_eventTime" in values:
        rows = rows.filter(event_time__lt=_time("LT_eventTime", values["LT_eventTime"]))
    if "EQ_bizStep" in values:
        rows = rows.filter(biz_step__in=[cbv_uri("bizStep", v) for v in values["EQ_bizStep"]])
    if "EQ_disposition" in values:
        dispositions = [cbv_uri("disposition", v) for v in values["EQ_disposition"]]
        rows = rows.filter(disposition__in=dispositions)
    if "EQ_bizLocation" in values:
        rows = rows.filter(biz_location__in=values["EQ_bizLocation"])
    if "EQ_readPoint" in values:
        rows = rows.filter(read_point__in=values["EQ_readPoint"])
    if "MATCH_epc" in values:
        rows = rows.filter(_epc_filter(values["MATCH_epc"], _ROLES_EPC))
    if "MATCH_anyEPC" in values:
        rows = rows.filter(_epc_filter(values["MATCH_anyEPC"], _ROLES_ANY_EPC))
    if "MATCH_epcClass" in values:
        rows = rows.filter(_epc_filter(values["MATCH_epcClass"], _ROLES_CLASS))
    return rows


def _per_page(values: Mapping[str, list[str]]) -> int:
    """`perPage`, from 1 to MAX_PER_PAGE (DEFAULT_PER_PAGE when not given)."""
    if "perPage" not in values:
        return DEFAULT_PER_PAGE
    try:
        per_page = int(values["perPage"][0])
    except (ValueError, IndexError) as error:
        raise QueryProblem("perPage must be a whole number") from error
    if not 1 <= per_page <= MAX_PER_PAGE:
        raise QueryProblem(f"perPage must be between 1 and {MAX_PER_PAGE}")
    return per_page


def _page_after(values: Mapping[str, list[str]]) -> int:
    """The id a `nextPageToken` says to start after (0 for the first page); the token must be
    ours and of this same query."""
    if "nextPageToken" not in values:
        return 0
    try:
        token = signing.loads(values["nextPageToken"][0], salt=_SALT)
    except (signing.BadSignature, IndexError) as error:
        raise QueryProblem("nextPageToken is not valid") from error
    if token.get("q") != _fingerprint(values):
        raise QueryProblem("nextPageToken belongs to a different query")
    return int(token["after"])


def next_page_token(params: Mapping[str, Sequence[str] | str], last_id: int) -> str:
    values = {name: _values(raw) for name, raw in params.items()}
    return signing.dumps({"after": last_id, "q": _fingerprint(values)}, salt=_SALT)
