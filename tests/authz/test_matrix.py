"""The authorization matrix (tests/authz/matrix.py) holds a row for every API operation and
every page, and every cell answers as the row says: each actor acts on their own side's record
and on the other side's (another buyer's order, another seller's product, another station's
parcel), see tests/authz/world.py.

The world is built once per module inside an outer transaction; each test runs in a savepoint
rolled back after it (pytest-django's `db`), so a write that goes through changes nothing for
the next cell, and the outer transaction is rolled back at the end.
"""

import io
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import pytest
from django.contrib import messages
from django.contrib.messages import get_messages
from django.db import transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from tests.authz.matrix import ALL, API_ROWS, OWN, PAGE_ROWS, ROWS, Row
from tests.authz.world import ACTORS, ANONYMOUS, World, world_build
from xiangcun.accounts.types import Role
from xiangcun.api import api

if TYPE_CHECKING:
    # The test client's response (django-stubs names it; it does not exist at run time).
    from django.test.client import _MonkeyPatchedWSGIResponse as TestResponse

# Pages left to other checks: the admin (Django's own permissions), static and media files,
# the language switch, and the API (whose operations come from the OpenAPI document).
SKIPPED_PAGE_PREFIXES = ("admin/", "i18n/", "api/v1/", "^media/", "media/", "static/")


def _openapi_operations() -> set[str]:
    schema = api.get_openapi_schema()
    return {
        f"{method.upper()} {path}"
        for path, operations in schema["paths"].items()
        for method in operations
    }


def _page_patterns() -> set[str]:
    found: set[str] = set()

    def walk(patterns: list[Any], prefix: str) -> None:
        for pattern in patterns:
            text = prefix + str(pattern.pattern)
            if text.startswith(SKIPPED_PAGE_PREFIXES):
                continue
            if isinstance(pattern, URLResolver):
                walk(pattern.url_patterns, text)
            elif isinstance(pattern, URLPattern):
                found.add(text)

    walk(get_resolver().url_patterns, "")
    return found


def test_every_api_operation_has_a_row_and_no_row_is_stale() -> None:
    operations = _openapi_operations()
    rows = {f"{row.method} {row.path}" for row in API_ROWS}
    assert operations - rows == set(), "API operations without a row in tests/authz/matrix.py"
    assert rows - operations == set(), "rows for API operations that no longer exist"


def test_every_page_has_a_row_and_no_row_is_stale() -> None:
    pages = _page_patterns()
    rows = {row.path for row in PAGE_ROWS}
    assert pages - rows == set(), "pages without a row in tests/authz/matrix.py"
    assert rows - pages == set(), "rows for pages that no longer exist"


def test_rows_are_unique_and_name_known_actors() -> None:
    keys = [row.key for row in ROWS]
    assert len(keys) == len(set(keys))
    for row in ROWS:
        assert set(row.who) <= set(ACTORS), row.key


# --- walking the cells ------------------------------------------------------------------------


@dataclass(frozen=True)
class Cell:
    row: Row
    actor: str
    side: str  # "own": the actor's side's record; "other": the other side's

    @property
    def expect_allowed(self) -> bool:
        if self.actor == ANONYMOUS:
            return self.row.anonymous
        access = self.row.who.get(self.actor)
        return access is ALL or (access is OWN and self.side == "own")

    @property
    def id(self) -> str:
        return f"{self.row.key} | {self.actor} | {self.side}"


_PARAM = re.compile(r"<(?:\w+:)?(\w+)>|\{(\w+)\}")


def _scoped(row: Row) -> bool:
    return bool(_PARAM.search(row.path) or row.shows or row.body)


def _cells() -> Iterator[Cell]:
    for row in ROWS:
        yield Cell(row, ANONYMOUS, "own")
        for actor in ACTORS:
            yield Cell(row, actor, "own")
            if _scoped(row):
                yield Cell(row, actor, "other")


CELLS = list(_cells())


@pytest.fixture(scope="module")
def world(django_db_setup: None, django_db_blocker: Any) -> Iterator[World]:
    with django_db_blocker.unblock():
        outer = transaction.atomic()
        outer.__enter__()
        try:
            built = world_build()
        except BaseException:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)
            raise
    yield built
    with django_db_blocker.unblock():
        transaction.set_rollback(True)
        outer.__exit__(None, None, None)


def _path_value(name: str, row: Row, cell: Cell, ids: dict[str, Any]) -> str:
    if name == "role":
        # The workspace of the actor's own role, or of another role.
        own = cell.actor if cell.actor in {r.value for r in Role} else Role.BUYER.value
        if cell.side == "own":
            return own
        return Role.DRIVER.value if own != Role.DRIVER.value else Role.COURIER.value
    key = row.params.get(name) or name.removesuffix("_id")
    return str(ids[key])


def _url(row: Row, cell: Cell, ids: dict[str, Any]) -> str:
    def fill(match: re.Match[str]) -> str:
        return _path_value(match.group(1) or match.group(2), row, cell, ids)

    path = _PARAM.sub(fill, row.path)
    return path if path.startswith("/") else "/" + path


def _png() -> io.BytesIO:
    from PIL import Image

    data = io.BytesIO()
    Image.new("RGB", (8, 8), (200, 30, 30)).save(data, format="PNG")
    data.seek(0)
    data.name = "authz.png"
    return data


@pytest.fixture(scope="module")
def client() -> Client:
    """One client for the module: a new one per request would load the middleware each time."""
    return Client()


def _send(cell: Cell, world: World, client: Client) -> "TestResponse":
    row = cell.row
    actor_side = world.a
    target = world.a if cell.side == "own" else world.b
    ids = dict(target.ids)
    url = _url(row, cell, ids)
    body = row.body(ids) if row.body else None
    query = row.query(ids) if row.query else None
    is_api = row.path.startswith("/api/")
    headers: dict[str, str] = dict(row.headers(ids)) if row.headers else {}
    client.cookies.clear()
    if cell.actor != ANONYMOUS:
        if is_api:
            headers["Authorization"] = f"Bearer {actor_side.tokens[cell.actor]}"
        else:
            client.force_login(actor_side.users[cell.actor])
    method = row.method.lower()
    if method == "get":
        return client.get(url, query, headers=headers)
    if is_api and row.multipart:
        return client.post(url, {"image": _png(), "alt": "authz"}, headers=headers)
    if is_api:
        return client.generic(
            row.method.upper(),
            url,
            json.dumps(body if body is not None else {}),
            content_type="application/json",
            headers=headers,
        )
    assert method == "post", f"a page row is GET or POST, not {row.method}"
    if row.json:
        return client.post(
            url, json.dumps(body or {}), content_type="application/json", headers=headers
        )
    return client.post(url, body or {}, headers=headers)


def _error_code(response: "TestResponse") -> str:
    try:
        return str(json.loads(response.content).get("code", ""))
    except (ValueError, AttributeError):
        return ""


def _outcome(cell: Cell, response: "TestResponse", world: World) -> str:
    row = cell.row
    status = response.status_code
    if status >= 500:
        return f"error {status}"
    if row.any_answer:
        return "allowed"
    if status in (401, 403, 404):
        if row.path.startswith("/api/") and _error_code(response) in row.answers:
            return "allowed"
        return "denied"
    target_url = str(response.get("Location", "")).split("?")[0]
    if status in (301, 302) and target_url in (reverse("accounts:login"), reverse("console:home")):
        # Sent to log in, or (console pages) to the console home for lack of a shop.
        return "denied"
    if row.flash and status in (301, 302):
        levels = {message.level for message in get_messages(response.wsgi_request)}
        return "denied" if messages.ERROR in levels else "allowed"
    if row.shows:
        target = world.a if cell.side == "own" else world.b
        marker = target.markers[row.shows]
        if not 200 <= status < 300:
            return "denied"
        return "allowed" if marker in response.content.decode(errors="replace") else "denied"
    return "allowed"


@pytest.mark.parametrize("cell", CELLS, ids=[cell.id for cell in CELLS])
def test_cell(cell: Cell, world: World, client: Client, db: None, settings: Any) -> None:
    if "dispatch" in cell.row.path:
        settings.LOGISTICS_PLANNER_SECONDS = 0.2
    response = _send(cell, world, client)
    expected = "allowed" if cell.expect_allowed else "denied"
    outcome = _outcome(cell, response, world)
    assert outcome == expected, (
        f"{cell.id}: expected {expected}, got {outcome} "
        f"({response.status_code} {response.get('Location', '')} {response.content[:300]!r})"
    )
