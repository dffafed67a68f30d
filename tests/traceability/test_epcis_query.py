"""EPCIS query: the SimpleEventQuery parameters, paging, the query document, and the
normaliser that compares documents by meaning."""

import copy
from typing import Any
from urllib.parse import parse_qs, urlparse

import pytest
from django.test import Client

from tests.accounts.factories import user_with_role
from tests.traceability.epcis_helpers import GS1_EXAMPLES, auth, capture, gs1_example
from xiangcun.accounts.models import User
from xiangcun.accounts.types import Role
from xiangcun.traceability.epcis.serialise import document_meaning
from xiangcun.traceability.epcis.validation import ParsedDocument, document_parse


@pytest.fixture
def packer(db: None) -> User:
    return user_with_role(Role.PACKER)


@pytest.fixture
def examples(client: Client, packer: User) -> User:
    for name in GS1_EXAMPLES:
        assert capture(client, gs1_example(name), packer).status_code == 201
    return packer


def _ids(client: Client, user: User, **params: Any) -> list[str]:
    response = client.get("/api/v1/epcis/events", params, **auth(user))
    assert response.status_code == 200, response.content
    events = response.json()["epcisBody"]["queryResults"]["resultsBody"]["eventList"]
    return [event["eventID"][14:22] for event in events]


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({}, ["df7bb3c3", "00e1e6eb", "87b5f18a", "4f143d1a"]),
        ({"eventType": "AggregationEvent"}, ["87b5f18a"]),
        ({"eventType": "TransformationEvent|AggregationEvent"}, ["87b5f18a", "4f143d1a"]),
        ({"EQ_bizStep": "receiving"}, ["00e1e6eb", "87b5f18a"]),
        ({"EQ_bizStep": "https://ref.gs1.org/cbv/BizStep-shipping"}, ["df7bb3c3"]),
        ({"EQ_disposition": "in_transit"}, ["df7bb3c3"]),
        ({"EQ_readPoint": "urn:epc:id:sgln:0614141.00777.0"}, ["87b5f18a"]),
        ({"EQ_bizLocation": "urn:epc:id:sgln:0012345.11111.0"}, ["00e1e6eb"]),
        ({"GE_eventTime": "2005-04-04T12:00:00Z"}, ["00e1e6eb", "87b5f18a", "4f143d1a"]),
        ({"LT_eventTime": "2013-06-08T14:58:56.591Z"}, ["df7bb3c3", "00e1e6eb"]),
        ({"GE_eventTime": "2013-06-08T16:58:56.591+02:00"}, ["87b5f18a", "4f143d1a"]),
        ({"MATCH_epc": "urn:epc:id:sgtin:0614141.107346.2017"}, ["df7bb3c3", "87b5f18a"]),
        ({"MATCH_epc": "urn:epc:idpat:sgtin:4012345.077889.*"}, ["4f143d1a"]),
        ({"MATCH_epc": "urn:epc:id:sscc:0614141.1234567890"}, []),
        ({"MATCH_anyEPC": "urn:epc:id:sscc:0614141.1234567890"}, ["87b5f18a"]),
        ({"MATCH_epcClass": "urn:epc:class:lgtin:4012345.012345.998877"}, ["87b5f18a"]),
        ({"MATCH_epcClass": "urn:epc:idpat:sgtin:4012345.011111.*"}, ["4f143d1a"]),
        ({"MATCH_epcClass": "https://id.gs1.org/01/04012345666663"}, ["4f143d1a"]),
        ({"MATCH_epcClass": "urn:epc:idpat:sgtin:4012345.*.*"}, ["87b5f18a", "4f143d1a"]),
    ],
)
def test_query_parameters_select_events(
    client: Client, examples: User, params: dict[str, str], expected: list[str]
) -> None:
    assert _ids(client, examples, **params) == expected


def test_pages_follow_the_link_header(client: Client, examples: User) -> None:
    seen: list[str] = []
    params: dict[str, Any] = {"perPage": 3}
    pages = 0
    while True:
        response = client.get("/api/v1/epcis/events", params, **auth(examples))
        assert response.status_code == 200
        events = response.json()["epcisBody"]["queryResults"]["resultsBody"]["eventList"]
        seen += [event["eventID"] for event in events]
        pages += 1
        if "Link" not in response:
            break
        link = response["Link"]
        assert link.endswith('>; rel="next"')
        params = dict(parse_qs(urlparse(link[1:-13]).query))
    assert pages == 2
    assert len(seen) == len(set(seen)) == 4


@pytest.mark.parametrize(
    "params",
    [
        {"nextPageToken": "forged"},
        {"perPage": "0"},
        {"perPage": "many"},
        {"GE_eventTime": "last week"},
        {"eventType": "ThingEvent"},
        {"EQ_colour": "red"},
    ],
)
def test_bad_query_parameters_are_refused(
    client: Client, examples: User, params: dict[str, str]
) -> None:
    response = client.get("/api/v1/epcis/events", params, **auth(examples))
    assert response.status_code == 400
    assert response.json()["code"] == "invalid_epcis_query"


def test_a_token_from_another_query_is_refused(client: Client, examples: User) -> None:
    first = client.get("/api/v1/epcis/events", {"perPage": 1}, **auth(examples))
    token = parse_qs(urlparse(first["Link"][1:-13]).query)["nextPageToken"][0]
    response = client.get(
        "/api/v1/epcis/events",
        {"perPage": 1, "EQ_bizStep": "receiving", "nextPageToken": token},
        **auth(examples),
    )
    assert response.status_code == 400


def test_the_query_document_is_valid_epcis(client: Client, examples: User) -> None:
    response = client.get("/api/v1/epcis/events", **auth(examples))
    assert response["GS1-EPCIS-Version"] == "2.0.0"
    body = response.json()
    assert body["schemaVersion"] == "2.0"
    assert isinstance(document_parse(_as_epcis_document(body)), ParsedDocument)


def _as_epcis_document(query_document: dict[str, Any]) -> dict[str, Any]:
    events = query_document["epcisBody"]["queryResults"]["resultsBody"]["eventList"]
    return {
        "@context": query_document["@context"],
        "type": "EPCISDocument",
        "schemaVersion": "2.0",
        "creationDate": query_document["creationDate"],
        "epcisBody": {"eventList": events},
    }


def test_the_query_needs_a_role(client: Client, examples: User) -> None:
    assert client.get("/api/v1/epcis/events").status_code == 401
    response = client.get("/api/v1/epcis/events", **auth(user_with_role(Role.BUYER)))
    assert response.status_code == 403


def test_a_page_costs_a_fixed_number_of_queries(
    client: Client, examples: User, django_assert_max_num_queries: Any
) -> None:
    headers = auth(examples)
    with django_assert_max_num_queries(6):
        client.get(
            "/api/v1/epcis/events", {"MATCH_anyEPC": "urn:epc:idpat:sgtin:0614141.*.*"}, **headers
        )


# --- the normaliser -------------------------------------------------------------------------


def test_meaning_ignores_presentation() -> None:
    sent = gs1_example(GS1_EXAMPLES[0])
    same = copy.deepcopy(sent)
    first = same["epcisBody"]["eventList"][0]
    same["epcisBody"]["eventList"][0] = dict(reversed(list(first.items())))
    second = same["epcisBody"]["eventList"][1]
    second["bizStep"] = "https://ref.gs1.org/cbv/BizStep-receiving"
    second["bizTransactionList"].reverse()
    second["eventTime"] = "2005-04-05T02:33:31.116Z"
    second["http://ns.example.com/epcis/myField"] = second.pop("example:myField")
    second["recordTime"] = "2026-01-01T00:00:00Z"
    first["epcList"].reverse()
    same["epcisBody"]["eventList"].reverse()
    assert document_meaning(same) == document_meaning(sent)


@pytest.mark.parametrize(
    "change",
    [
        lambda event: event.update(bizStep="shipping"),
        lambda event: event.update(eventTime="2005-04-04T20:33:31.117-06:00"),
        lambda event: event["epcList"].append("urn:epc:id:sgtin:0614141.107346.9"),
        lambda event: event.update({"example:myField": "changed"}),
        lambda event: event.pop("bizLocation"),
    ],
)
def test_meaning_notices_a_changed_value(change: Any) -> None:
    sent = gs1_example(GS1_EXAMPLES[0])
    other = copy.deepcopy(sent)
    change(other["epcisBody"]["eventList"][1])
    assert document_meaning(other) != document_meaning(sent)
