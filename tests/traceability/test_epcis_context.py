"""The JSON-LD @context of a captured document: what GS1's schema and JSON-LD 1.1 accept is
captured and hashed, anything else is refused with a 400 that says why (never a 500)."""

import copy
import json
import socket
import time
from typing import Any

import pytest
from django.test import Client
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.accounts.factories import user_with_role
from tests.traceability.epcis_helpers import GS1_EXAMPLES, auth, capture, gs1_example
from xiangcun.accounts.models import User
from xiangcun.accounts.types import Role
from xiangcun.traceability import selectors
from xiangcun.traceability.epcis.hashing import event_hash
from xiangcun.traceability.epcis.standards import KNOWN_CONTEXT_URLS
from xiangcun.traceability.models import Event, EventCapture

EPCIS_CONTEXT = "https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld"
EXAMPLE_NS = "http://ns.example.com/epcis/"


@pytest.fixture
def driver(db: None) -> User:
    return user_with_role(Role.DRIVER)


def _with_context(context: Any, **event_changes: Any) -> dict[str, Any]:
    """GS1's first example (two ObjectEvents, the second with an `example:` extension) under
    another @context."""
    sent = gs1_example(GS1_EXAMPLES[0])
    sent["@context"] = context
    sent["epcisBody"]["eventList"][1].update(event_changes)
    return sent


def _nothing_stored() -> bool:
    return not (Event.objects.exists() or EventCapture.objects.exists())


# --- valid contexts are captured and hashed ----------------------------------------------------


def test_a_context_with_an_object_entry_is_captured_and_hashed(
    client: Client, driver: User
) -> None:
    context = [
        EPCIS_CONTEXT,
        {
            "example": EXAMPLE_NS,
            "ex": "https://example.org/ns#",
            "myTerm": {"@id": "https://example.org/ns#myTerm"},
        },
    ]
    sent = _with_context(context, **{"ex:reading": {"myTerm": "12.5"}})
    response = capture(client, sent, driver)
    assert response.status_code == 201, response.content
    stored = next(event for event in Event.objects.all() if "ex:reading" in event.data)
    assert stored.event_hash.startswith("ni:///sha-256;")
    assert stored.event_hash.endswith("?ver=CBV2.0")
    # The bare term means the same as its prefixed name: the hash says so.
    prefixed = copy.deepcopy(stored.data)
    prefixed["ex:reading"] = {"ex:myTerm": "12.5"}
    assert event_hash(event=prefixed, context=context) == stored.event_hash
    checked, problems = selectors.events_verify()
    assert (checked, problems) == (2, [])
    read = client.get("/api/v1/epcis/events", **auth(driver))
    assert read.status_code == 200
    assert {"ex:reading": {"myTerm": "12.5"}}.items() <= read.json()["epcisBody"]["queryResults"][
        "resultsBody"
    ]["eventList"][1].items()


def test_a_prefix_written_as_an_object_entry_hashes_like_the_plain_one(driver: User) -> None:
    event = gs1_example(GS1_EXAMPLES[0])["epcisBody"]["eventList"][1]
    plain = [EPCIS_CONTEXT, {"example": EXAMPLE_NS}]
    flagged = [EPCIS_CONTEXT, {"example": {"@id": EXAMPLE_NS, "@prefix": True}}]
    assert event_hash(event=event, context=flagged) == event_hash(event=event, context=plain)


def test_repeating_a_protected_term_identically_is_allowed(client: Client, driver: User) -> None:
    context = [EPCIS_CONTEXT, {"example": EXAMPLE_NS, "cbv": "https://ref.gs1.org/cbv/"}]
    response = capture(client, _with_context(context), driver)
    assert response.status_code == 201, response.content


# --- invalid contexts are refused with a reason ----------------------------------------------


@pytest.mark.parametrize(
    ("term", "definition"),
    [
        ("bizStep", {"@id": "https://example.org/ns#bizStep"}),
        ("epcList", "https://example.org/ns#epcList"),
        ("type", {"@id": "https://example.org/ns#type"}),
    ],
)
def test_redefining_a_protected_epcis_term_is_refused(
    client: Client, driver: User, term: str, definition: Any
) -> None:
    sent = _with_context([EPCIS_CONTEXT, {"example": EXAMPLE_NS, term: definition}])
    response = capture(client, sent, driver)
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "invalid_epcis_context"
    assert term in body["message"]
    assert body["details"]["term"] == term
    assert "protect" in body["details"]["reason"]
    assert _nothing_stored()


@pytest.mark.parametrize(
    ("context", "says"),
    [
        (3, "@context"),
        ([1, 2], "@context"),
        ([EPCIS_CONTEXT, {"example": EXAMPLE_NS, "t": {"@id": 5}}], "@id"),
        ([EPCIS_CONTEXT, {"example": EXAMPLE_NS, "t": {"@id": {"@id": 5}}}], "@id"),
        (
            [
                EPCIS_CONTEXT,
                {"example": EXAMPLE_NS, "t": {"@id": "https://example.org/t", "@context": 3}},
            ],
            "nor an object",
        ),
        ([EPCIS_CONTEXT, {"example": EXAMPLE_NS, "@version": 2}], "@version"),
        ([EPCIS_CONTEXT, {"example": EXAMPLE_NS, "@vocab": 7}], "@vocab"),
        (["https://example.org/someone-elses-context.jsonld"], "does not hold"),
        (None, "@context"),
    ],
)
def test_a_malformed_context_is_refused_with_a_reason(
    client: Client, driver: User, context: Any, says: str
) -> None:
    response = capture(client, _with_context(context), driver)
    assert response.status_code == 400, response.content
    body = response.json()
    assert body["code"] in ("invalid_epcis_document", "invalid_epcis_context")
    assert body["message"]
    assert says in body["details"]["reason"]
    assert _nothing_stored()


def test_an_events_own_context_is_read_within_the_documents(client: Client, driver: User) -> None:
    sent = _with_context(
        [EPCIS_CONTEXT, {"example": EXAMPLE_NS}], **{"@context": {"disposition": "x:y"}}
    )
    response = capture(client, sent, driver)
    assert response.status_code == 400, response.content
    body = response.json()
    assert body["code"] == "invalid_epcis_context"
    assert body["details"]["event_index"] == 1
    assert _nothing_stored()


# --- bounded work, no network -------------------------------------------------------------------


def _scoped(depth: int) -> dict[str, Any]:
    """A context whose term carries a scoped context, `depth` times over: JSON-LD processing
    of such nesting takes more than linear time."""
    inner: dict[str, Any] = {"example": EXAMPLE_NS}
    for level in range(depth):
        inner = {f"t{level}": {"@id": f"{EXAMPLE_NS}t{level}", "@context": inner}}
    return inner


@pytest.mark.parametrize("where", ["document", "event", "extension"])
def test_a_deeply_nested_context_is_refused_at_once(
    client: Client, driver: User, where: str
) -> None:
    nested = _scoped(150)
    if where == "document":
        sent = _with_context([EPCIS_CONTEXT, {"example": EXAMPLE_NS}, nested])
    elif where == "event":
        sent = _with_context([EPCIS_CONTEXT, {"example": EXAMPLE_NS}], **{"@context": nested})
    else:
        sent = _with_context(
            [EPCIS_CONTEXT, {"example": EXAMPLE_NS}],
            **{"example:deep": {"@context": nested, "example:v": "1"}},
        )
    started = time.monotonic()
    response = capture(client, sent, driver)
    assert response.status_code == 400, response.content
    assert response.json()["code"] in ("invalid_epcis_document", "invalid_epcis_context")
    assert "nested" in response.json()["details"]["reason"]
    assert time.monotonic() - started < 5
    assert _nothing_stored()


def test_many_embedded_contexts_are_refused(client: Client, driver: User) -> None:
    extensions = {
        f"example:x{n}": {"@context": _scoped(12), "example:v": str(n)} for n in range(40)
    }
    response = capture(
        client, _with_context([EPCIS_CONTEXT, {"example": EXAMPLE_NS}], **extensions), driver
    )
    assert response.status_code == 400, response.content
    assert response.json()["code"] == "invalid_epcis_context"
    assert "embedded @context" in response.json()["details"]["reason"]
    assert _nothing_stored()


def test_a_body_nested_past_the_parsers_limit_is_refused(client: Client, driver: User) -> None:
    response = client.post(
        "/api/v1/epcis/capture",
        data="[" * 100_000,
        content_type="application/ld+json",
        **auth(driver),
    )
    assert response.status_code == 400
    assert response.json()["code"] == "invalid_epcis_document"


def test_a_huge_context_is_refused(client: Client, driver: User) -> None:
    huge = {"example": EXAMPLE_NS} | {f"t{n}": f"{EXAMPLE_NS}t{n}" for n in range(5000)}
    response = capture(client, _with_context([EPCIS_CONTEXT, huge]), driver)
    assert response.status_code == 400, response.content
    assert response.json()["code"] == "invalid_epcis_context"
    assert "large" in response.json()["details"]["reason"]
    assert _nothing_stored()


def test_inline_contexts_read_are_not_kept_for_ever(driver: User) -> None:
    from xiangcun.traceability.epcis import context as context_module

    event = gs1_example(GS1_EXAMPLES[0])["epcisBody"]["eventList"][1]
    for n in range(40):
        event_hash(event=event, context=[EPCIS_CONTEXT, {"example": EXAMPLE_NS, f"p{n}": "x:"}])
    # pyld's resolver files every inline context it meets in the shared cache it is given.
    assert set(context_module._resolved) <= set(KNOWN_CONTEXT_URLS)


@pytest.mark.parametrize(
    "context",
    [
        [EPCIS_CONTEXT, {"@import": "http://127.0.0.1:9/imported.jsonld"}],
        [EPCIS_CONTEXT, "http://127.0.0.1:9/remote.jsonld"],
        [EPCIS_CONTEXT, {"t": {"@id": "x:t", "@context": "http://127.0.0.1:9/scoped.jsonld"}}],
    ],
)
def test_a_remote_context_is_never_fetched(
    client: Client, driver: User, context: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    tried: list[Any] = []

    def connect(self: socket.socket, address: Any) -> None:
        tried.append(address)
        raise OSError("no network in this test")

    monkeypatch.setattr(socket.socket, "connect", connect)
    sent = _with_context([*context[:1], {"example": EXAMPLE_NS}, *context[1:]])
    sent["epcisBody"]["eventList"][1]["example:x"] = {"@context": context[1], "example:v": "1"}
    response = capture(client, sent, driver)
    assert response.status_code == 400, response.content
    assert tried == []
    assert _nothing_stored()


def test_pyld_fetches_nothing_even_when_called_without_a_loader(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from pyld import jsonld

    import xiangcun.traceability.epcis.context  # noqa: F401 - sets pyld's default loader

    tried: list[Any] = []

    def connect(self: socket.socket, address: Any) -> None:
        tried.append(address)
        raise OSError("no network in this test")

    monkeypatch.setattr(socket.socket, "connect", connect)
    with pytest.raises(jsonld.JsonLdError):
        jsonld.expand({"@context": "http://127.0.0.1:9/remote.jsonld", "x:a": "1"})
    assert tried == []
    assert jsonld.expand({"@context": EPCIS_CONTEXT, "type": "ObjectEvent"})


# --- no 500 whatever the JSON ------------------------------------------------------------------

_json = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**70), max_value=2**70)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=12)
    | st.sampled_from(["@id", "@context", "@type", "@vocab", "ex:", EPCIS_CONTEXT, "bizStep"]),
    lambda inner: (
        st.lists(inner, max_size=4)
        | st.dictionaries(
            st.sampled_from(["@id", "@type", "@context", "@prefix", "@protected", "ex", "type"])
            | st.text(max_size=8),
            inner,
            max_size=4,
        )
    ),
    max_leaves=12,
)


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    context=_json,
    extra=st.dictionaries(
        st.text(max_size=10) | st.text(min_size=1, max_size=8).map("example:".__add__),
        _json,
        max_size=3,
    ),
)
def test_no_context_or_extension_gives_a_500(
    client: Client, driver: User, context: Any, extra: dict[str, Any]
) -> None:
    sent = _with_context([EPCIS_CONTEXT, context] if isinstance(context, dict) else context)
    sent["epcisBody"]["eventList"][1].update(extra)
    for event in sent["epcisBody"]["eventList"]:
        event.pop("eventID", None)  # a repeated accepted document is refused, not an error
    response = client.post(
        "/api/v1/epcis/capture",
        data=json.dumps(sent),
        content_type="application/ld+json",
        **auth(driver),
    )
    assert response.status_code in (201, 400), response.content
