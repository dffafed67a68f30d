"""The EPCIS 2.0 REST interface under /api/v1/epcis: capture (POST /capture) and the
SimpleEventQuery (GET /events), for staff and sellers with an API token.

Logistics staff and administrators capture events of any lot; they and brand and programme
managers read every event. The owner (or agent) of an APPROVED shop captures and reads the
events of that shop's lots only; order references show only to who may see the order.

Errors answer `{"code", "message", "details"}` (see xiangcun.api): invalid_epcis_document
400 (details: event_index, event_id, reason), invalid_epcis_context 400 (details: reason,
term), invalid_epcis_query 400 (details.reason), epcis_permission_denied 403,
not_authenticated 401.
"""

import json
from typing import Any
from urllib.parse import urlencode

from django.http import HttpRequest, HttpResponse
from ninja import Router, Schema, Status

from xiangcun.accounts.auth import ApiTokenAuth, api_user
from xiangcun.core.api import ErrorOut
from xiangcun.traceability import selectors, services
from xiangcun.traceability.epcis.serialise import query_document
from xiangcun.traceability.errors import InvalidEpcisDocumentError

router = Router(auth=ApiTokenAuth())

EPCIS_HEADERS = {"GS1-EPCIS-Version": "2.0.0", "GS1-CBV-Version": "2.0.0"}


class CaptureOut(Schema):
    capture_id: int
    event_count: int


_DOCUMENT_BODY = {
    "requestBody": {
        "required": True,
        "content": {
            "application/ld+json": {"schema": {"type": "object"}},
            "application/json": {"schema": {"type": "object"}},
        },
        "description": "An EPCIS 2.0 EPCISDocument in JSON-LD, or a single EPCIS event.",
    }
}


@router.post(
    "/capture",
    response={201: CaptureOut, 400: ErrorOut, 401: ErrorOut, 403: ErrorOut},
    openapi_extra=_DOCUMENT_BODY,
    summary="Capture an EPCIS document or event (all or nothing)",
)
def capture(request: HttpRequest, response: HttpResponse) -> Status[dict[str, int]]:
    try:
        document = json.loads(request.body)
    except (ValueError, UnicodeDecodeError, RecursionError) as error:
        raise InvalidEpcisDocumentError(
            event_index=None, event_id=None, reason=f"the body is not JSON: {error}"
        ) from error
    result = services.epcis_capture(document=document, actor=api_user(request))
    for name, value in EPCIS_HEADERS.items():
        response[name] = value
    response["Location"] = f"{request.path}/{result.capture_id}"
    return Status(201, {"capture_id": result.capture_id, "event_count": result.event_count})


@router.get(
    "/events",
    response={200: dict[str, Any], 400: ErrorOut, 401: ErrorOut, 403: ErrorOut},
    summary="EPCIS SimpleEventQuery: an EPCISQueryDocument",
)
def events(request: HttpRequest, response: HttpResponse) -> dict[str, Any]:
    """Parameters: eventType, GE_eventTime, LT_eventTime, EQ_bizStep, EQ_disposition,
    EQ_bizLocation, EQ_readPoint, MATCH_epc, MATCH_anyEPC, MATCH_epcClass (values repeated
    or `|`-separated; GS1 `urn:epc:idpat:` patterns with `*`), perPage (default 30, at most
    1000), nextPageToken (from the `Link: <...>; rel="next"` header of the previous page).

    Staff read every event; the owner (or agent) of an approved shop only the events naming
    its lots; an order's reference shows only to who may see that order."""
    params = {name: request.GET.getlist(name) for name in request.GET}
    page = selectors.events_query(actor=api_user(request), **params)
    for name, value in EPCIS_HEADERS.items():
        response[name] = value
    if page.next_page_token:
        following = {k: v for k, v in params.items() if k != "nextPageToken"}
        following["nextPageToken"] = [page.next_page_token]
        link = request.build_absolute_uri(request.path) + "?" + urlencode(following, doseq=True)
        response["Link"] = f'<{link}>; rel="next"'
    return query_document(context=page.context, events=page.events)
