"""Stored events back out as EPCIS 2.0 JSON-LD, and a normaliser to compare meaning.

Events come back as captured, with our `recordTime` (and our hash as `eventID` when the
event came without one). The query document's @context is the GS1 context plus the
extension prefixes the events use.
"""

import datetime
import json
from typing import Any

from django.utils import timezone

from xiangcun.traceability.epcis.records import parse_time
from xiangcun.traceability.epcis.standards import EPCIS_CONTEXT_URL, KNOWN_CONTEXT_URLS
from xiangcun.traceability.epcis.vocab import cbv_uri
from xiangcun.traceability.models import Event


def _context_parts(context: Any) -> tuple[list[str], dict[str, Any]]:
    """(remote context URLs other than GS1's, inline term definitions) of a @context."""
    items = context if isinstance(context, list) else [context]
    urls: list[str] = []
    terms: dict[str, Any] = {}
    for item in items:
        if isinstance(item, str):
            if item not in KNOWN_CONTEXT_URLS:
                urls.append(item)
        elif isinstance(item, dict):
            terms.update(item)
    return urls, terms


def iso_time(value: datetime.datetime) -> str:
    text = value.astimezone(datetime.UTC).isoformat(timespec="milliseconds")
    return text.replace("+00:00", "Z")


def events_as_json(events: list[Event]) -> tuple[list[Any], list[dict[str, Any]]]:
    """(@context for the document, the events as EPCIS JSON) for a page of stored events."""
    urls: list[str] = []
    terms: dict[str, Any] = {}
    out = []
    for event in events:
        data = dict(event.data)
        data.setdefault("eventID", event.event_id)
        data["recordTime"] = iso_time(event.record_time)
        event_urls, event_terms = _context_parts(event.context)
        clash = any(key in terms and terms[key] != value for key, value in event_terms.items())
        if clash:
            data["@context"] = event.context
        else:
            terms.update(event_terms)
            urls.extend(url for url in event_urls if url not in urls)
        out.append(data)
    context: list[Any] = [EPCIS_CONTEXT_URL, *urls]
    if terms:
        context.append(terms)
    return context, out


def query_document(*, context: list[Any], events: list[dict[str, Any]]) -> dict[str, Any]:
    return {
        "@context": context,
        "type": "EPCISQueryDocument",
        "schemaVersion": "2.0",
        "creationDate": iso_time(timezone.now()),
        "epcisBody": {
            "queryResults": {
                "queryName": "SimpleEventQuery",
                "resultsBody": {"eventList": events},
            }
        },
    }


def single_event_document(*, event: dict[str, Any], context: Any) -> dict[str, Any]:
    return {
        "@context": context,
        "type": "EPCISDocument",
        "schemaVersion": "2.0",
        "creationDate": iso_time(timezone.now()),
        "epcisBody": {"eventList": [event]},
    }


# ---- meaning -------------------------------------------------------------------------------

_VOCABULARY_FIELDS = {"bizStep": "bizStep", "disposition": "disposition"}
_LIST_TYPES = {
    "bizTransactionList": "bizTransactionType",
    "sourceList": "sourceDestType",
    "destinationList": "sourceDestType",
}
_SETS = ("epcList", "childEPCs", "inputEPCList", "outputEPCList")
_TIMES = ("eventTime",)


def _expand_key(key: str, terms: dict[str, Any]) -> str:
    prefix, colon, rest = key.partition(":")
    if colon and isinstance(terms.get(prefix), str) and not rest.startswith("//"):
        return str(terms[prefix]) + rest
    return key


def _expand_keys(value: Any, terms: dict[str, Any]) -> Any:
    if isinstance(value, dict):
        return {_expand_key(k, terms): _expand_keys(v, terms) for k, v in value.items()}
    if isinstance(value, list):
        return [_expand_keys(item, terms) for item in value]
    return value


def _canonical(value: Any) -> str:
    return json.dumps(value, sort_keys=True, ensure_ascii=False, separators=(",", ":"))


def event_meaning(event: dict[str, Any], context: Any) -> dict[str, Any]:
    """An event with presentation differences removed: key order, compact vs expanded
    extension keys, bare CBV names vs web URIs, time formats, order of unordered lists;
    `recordTime` (set by the repository) dropped."""
    own = event.get("@context")
    _urls, terms = _context_parts(context)
    if own is not None:
        terms = {**terms, **_context_parts(own)[1]}
    data = {key: value for key, value in event.items() if key not in ("@context", "recordTime")}
    for field, vocabulary in _VOCABULARY_FIELDS.items():
        if isinstance(data.get(field), str):
            data[field] = cbv_uri(vocabulary, data[field])
    for field, vocabulary in _LIST_TYPES.items():
        if isinstance(data.get(field), list):
            entries = [
                {**entry, "type": cbv_uri(vocabulary, entry["type"])} if "type" in entry else entry
                for entry in data[field]
            ]
            data[field] = sorted(entries, key=_canonical)
    for field in _SETS:
        if isinstance(data.get(field), list):
            data[field] = sorted(data[field])
    for field in _TIMES:
        if isinstance(data.get(field), str):
            data[field] = iso_time(parse_time(data[field]))
    result: dict[str, Any] = _expand_keys(data, terms)
    return result


def document_meaning(document: dict[str, Any]) -> list[str]:
    """The events of an EPCISDocument, EPCISQueryDocument or single event, normalised and
    sorted, as canonical JSON strings: two documents mean the same when these are equal."""
    body = document.get("epcisBody", {})
    if document.get("type") == "EPCISQueryDocument":
        events = body["queryResults"]["resultsBody"]["eventList"]
    elif document.get("type") == "EPCISDocument":
        events = body["eventList"]
    else:
        events = [document]
    context = document.get("@context")
    return sorted(_canonical(event_meaning(event, context)) for event in events)
