"""Helpers for the EPCIS tests: GS1's example documents, tokens, capture through the API."""

import copy
import json
from pathlib import Path
from typing import Any

import pytest
from django.test import Client

from xiangcun.accounts.models import User
from xiangcun.accounts.services import api_token_issue

# GS1's standards and examples, shared beside the checkout (../shared), read by path.
STANDARDS = Path(__file__).resolve().parents[2].parent / "shared" / "standards" / "epcis"
GS1_EXAMPLES = [
    "Example_9.6.1-ObjectEvent.jsonld",
    "Example_9.6.3-AggregationEvent.jsonld",
    "Example_9.6.4-TransformationEventWithDigitalLink.jsonld",
]
CONTEXT = ["https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld"]


def gs1_example(name: str) -> dict[str, Any]:
    """One of GS1's examples from ../shared/standards/epcis."""
    path = STANDARDS / name
    if not path.exists():
        pytest.skip(f"GS1's EPCIS examples are not beside this checkout ({STANDARDS})")
    return json.loads(path.read_text(encoding="utf-8"))


def auth(user: User) -> dict[str, str]:
    return {"HTTP_AUTHORIZATION": f"Bearer {api_token_issue(user=user).token}"}


def capture(client: Client, document: Any, user: User) -> Any:
    return client.post(
        "/api/v1/epcis/capture",
        data=json.dumps(document),
        content_type="application/ld+json",
        **auth(user),
    )


def document(*events: dict[str, Any]) -> dict[str, Any]:
    return {
        "@context": CONTEXT,
        "type": "EPCISDocument",
        "schemaVersion": "2.0",
        "creationDate": "2026-11-01T08:00:00.000Z",
        "epcisBody": {"eventList": [copy.deepcopy(event) for event in events]},
    }


def object_event(epc_class: str, *, biz_step: str, time: str, **extra: Any) -> dict[str, Any]:
    return {
        "type": "ObjectEvent",
        "eventTime": time,
        "eventTimeZoneOffset": "+08:00",
        "action": "OBSERVE",
        "bizStep": biz_step,
        "quantityList": [{"epcClass": epc_class, "quantity": 2, "uom": "KGM"}],
        "readPoint": {"id": "urn:epc:id:sgln:6975858.00001.0"},
        **extra,
    }
