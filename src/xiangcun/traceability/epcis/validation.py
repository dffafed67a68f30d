"""Is this a valid EPCIS 2.0 document (or single event)? The GS1 JSON schema with formats
really checked, plus clear reasons for the mistakes people make most (EPCIS 1.x habits).
"""

import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from typing import Any

import jsonschema
from jsonschema import Draft7Validator, FormatChecker
from jsonschema.exceptions import best_match

from xiangcun.traceability.epcis.context import (
    CONTEXT_MAX_DEPTH,
    ContextNotAvailableError,
    ContextProblem,
    context_terms,
    json_depth,
)
from xiangcun.traceability.epcis.standards import epcis_schema
from xiangcun.traceability.epcis.vocab import cbv_problem

EVENT_TYPES = frozenset(
    {
        "ObjectEvent",
        "AggregationEvent",
        "TransactionEvent",
        "TransformationEvent",
        "AssociationEvent",
    }
)
ACTIONS = ("OBSERVE", "ADD", "DELETE")
# JSON-LD blank node identifiers (`_:document1`) are valid node ids though not URIs.
_BLANK_NODE = re.compile(r"^_:[A-Za-z0-9_][A-Za-z0-9_.\-]*$")
# Real events nest a few levels (sensor reports, ilmd); deeper JSON is refused before the
# schema check and JSON-LD expansion, which recurse (and an @context held in an extension,
# expanded by the hash generator, costs more than linear time in its nesting).
DOCUMENT_MAX_DEPTH = 48
# An @context inside an event's values (an extension's own) is expanded by the hash
# generator at some cost each, under a lock every capture shares: a few at most.
EMBEDDED_CONTEXTS_MAX = 16


@dataclass(frozen=True)
class Problem:
    """kind: "document" (schema and EPCIS rules), "context" (the JSON-LD @context) or
    "protected_term" (the @context redefines a term GS1's context protects); `term` names the
    term at fault when there is one."""

    reason: str
    event_index: int | None = None
    event_id: str | None = None
    kind: str = "document"
    term: str | None = None


@dataclass(frozen=True)
class ParsedDocument:
    """The events of a valid document and the @context they are read with."""

    events: list[dict[str, Any]]
    context: Any
    document_id: str


def _format_checker() -> FormatChecker:
    checker = FormatChecker()
    uri_check, uri_raises = checker.checkers["uri"]

    def uri_or_blank_node(instance: object) -> bool:
        if isinstance(instance, str) and _BLANK_NODE.match(instance):
            return True
        return bool(uri_check(instance))

    checker.checkers["uri"] = (uri_or_blank_node, uri_raises)
    return checker


@cache
def _validator() -> Draft7Validator:
    schema = epcis_schema()
    Draft7Validator.check_schema(schema)
    return Draft7Validator(schema, format_checker=_format_checker())


def format_checking_works() -> bool:
    """Guard against a missing optional dependency silently turning format checks off."""
    checker = _validator().format_checker
    return checker is not None and {"uri", "date-time"} <= set(checker.checkers)


def _vocabulary_values(event: dict[str, Any]) -> Iterator[tuple[str, str, object]]:
    """(field path, vocabulary, value) for every CBV vocabulary value in an event."""
    if "bizStep" in event:
        yield "bizStep", "bizStep", event["bizStep"]
    if "disposition" in event:
        yield "disposition", "disposition", event["disposition"]
    persistent = event.get("persistentDisposition")
    if isinstance(persistent, dict):
        for key in ("set", "unset"):
            values = persistent.get(key)
            for position, value in enumerate(values if isinstance(values, list) else []):
                yield f"persistentDisposition.{key}[{position}]", "disposition", value
    for field, vocabulary in (
        ("bizTransactionList", "bizTransactionType"),
        ("sourceList", "sourceDestType"),
        ("destinationList", "sourceDestType"),
    ):
        entries = event.get(field)
        for position, entry in enumerate(entries if isinstance(entries, list) else []):
            if isinstance(entry, dict) and "type" in entry:
                yield f"{field}[{position}].type", vocabulary, entry["type"]
    declaration = event.get("errorDeclaration")
    if isinstance(declaration, dict) and "reason" in declaration:
        yield "errorDeclaration.reason", "errorReason", declaration["reason"]


def _event_problem(event: object) -> str | None:
    if not isinstance(event, dict):
        return "an event must be a JSON object"
    if "eventTime" not in event:
        return "eventTime is missing"
    if "eventTimeZoneOffset" not in event:
        return "eventTimeZoneOffset is missing (required in EPCIS 2.0)"
    action = event.get("action")
    if action is not None and action not in ACTIONS:
        return f"action {action!r} is not an EPCIS 2.0 action (OBSERVE, ADD or DELETE)"
    for path, vocabulary, value in _vocabulary_values(event):
        problem = cbv_problem(vocabulary, value)
        if problem:
            return f"{path}: {problem}"
    return None


def _event_id(event: object) -> str | None:
    if isinstance(event, dict) and isinstance(event.get("eventID"), str):
        return str(event["eventID"])
    return None


def _schema_problem(document: dict[str, Any], single: bool) -> Problem | None:
    error = best_match(_validator().iter_errors(document))
    if error is None:
        return None
    path = list(error.absolute_path)
    index: int | None = None
    if single:
        index = 0
    elif len(path) >= 3 and path[:2] == ["epcisBody", "eventList"] and isinstance(path[2], int):
        index = path[2]
        path = path[3:]
    where = ".".join(str(part) for part in path) or "(top level)"
    event_id = None
    if index is not None:
        events = [document] if single else document["epcisBody"]["eventList"]
        event_id = _event_id(events[index])
    return Problem(
        reason=f"{where}: {error.message} (schema rule {error.validator})",
        event_index=index,
        event_id=event_id,
    )


def _context_problem(context: Any, events: list[Any]) -> Problem | None:
    """Whether the document's @context (and any event's own, read within it) is valid JSON-LD
    1.1 that names no remote context but GS1's."""
    checks: list[tuple[int | None, Any]] = [(None, context)]
    for position, event in enumerate(events):
        if isinstance(event, dict) and "@context" in event:
            own = event["@context"]
            outer = context if isinstance(context, list) else [context]
            checks.append((position, [*outer, *(own if isinstance(own, list) else [own])]))
    for index, checked in checks:
        term: str | None = None
        kind = "context"
        try:
            context_terms(checked)
        except ContextNotAvailableError as error:
            reason = (
                f"@context names {error.url} which this repository does not hold; use the "
                "GS1 EPCIS 2.0 context URL or an inline context"
            )
        except ContextProblem as problem:
            reason, term = problem.reason, problem.term
            if problem.code == "protected term redefinition":
                kind = "protected_term"
        else:
            continue
        return Problem(
            reason=("the event's own " if index is not None else "") + reason,
            event_index=index,
            event_id=_event_id(events[index]) if index is not None else None,
            kind=kind,
            term=term,
        )
    return None


def _embedded_contexts(event: Any) -> Iterator[Any]:
    """Each @context within an event's values (not the event's own), without recursing."""
    pending = [value for key, value in event.items() if key != "@context"]
    while pending:
        item = pending.pop()
        if isinstance(item, dict):
            if "@context" in item:
                yield item["@context"]
            pending.extend(value for key, value in item.items() if key != "@context")
        elif isinstance(item, list):
            pending.extend(item)


def _embedded_context_problem(events: list[Any]) -> Problem | None:
    count = 0
    for index, event in enumerate(events):
        if not isinstance(event, dict):
            continue
        for embedded in _embedded_contexts(event):
            count += 1
            if count > EMBEDDED_CONTEXTS_MAX:
                reason = f"the events hold more than {EMBEDDED_CONTEXTS_MAX} embedded @context"
            elif json_depth(embedded) > CONTEXT_MAX_DEPTH:
                reason = f"an embedded @context is nested more than {CONTEXT_MAX_DEPTH} levels deep"
            else:
                continue
            return Problem(
                reason=reason, event_index=index, event_id=_event_id(event), kind="context"
            )
    return None


def document_parse(document: object) -> ParsedDocument | Problem:
    """The events of an EPCISDocument or a single event, or the first problem found."""
    if not isinstance(document, dict):
        return Problem(reason="the body must be a JSON object")
    if json_depth(document) > DOCUMENT_MAX_DEPTH:
        return Problem(reason=f"the document is nested more than {DOCUMENT_MAX_DEPTH} levels deep")
    kind = document.get("type")
    # A list or an object is no type (and cannot be looked up in a set).
    single = isinstance(kind, str) and kind in EVENT_TYPES
    if kind == "EPCISDocument":
        body = document.get("epcisBody")
        events = body.get("eventList") if isinstance(body, dict) else None
        if not isinstance(events, list):
            return Problem(reason="epcisBody.eventList is missing")
    elif single:
        events = [document]
    else:
        return Problem(reason="type must be EPCISDocument or an EPCIS event type")
    if "@context" not in document:
        return Problem(reason="@context is missing (EPCIS 2.0 documents are JSON-LD)")
    for index, event in enumerate(events):
        problem = _event_problem(event)
        if problem:
            return Problem(reason=problem, event_index=index, event_id=_event_id(event))
    try:
        schema_problem = _schema_problem(document, single)
    except jsonschema.exceptions.SchemaError as error:  # pragma: no cover - shipped schema
        raise RuntimeError("the shipped EPCIS schema is broken") from error
    if schema_problem:
        return schema_problem
    embedded_problem = _embedded_context_problem(events)
    if embedded_problem:
        return embedded_problem
    context = document["@context"]
    context_problem = _context_problem(context, [] if single else events)
    if context_problem:
        return context_problem
    if single:
        events = [{key: value for key, value in document.items() if key != "@context"}]
    document_id = document.get("id", "") if not single else ""
    return ParsedDocument(events=events, context=context, document_id=str(document_id))
