"""The offline entry queue (core/offline-queue.js) in real Chromium, on its own: a page and a
server played by Playwright's request routing (no test-only route in the product), under the
site's CSP. Entries queue while the network is down, survive a reload, go in order, one at a
time, each with its own idempotency key kept across retries; refusals are listed with the
server's message. The journeys on the real fair and attendance pages are in test_jobs.py and
test_training.py."""

import json
import re
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl

import pytest
from playwright.sync_api import expect

SCRIPT = (
    Path(__file__).resolve().parents[2] / "src/xiangcun/core/static/core/offline-queue.js"
).read_text(encoding="utf-8")
ORIGIN = "https://fair.test"
CSP = "default-src 'self'; script-src 'self'; style-src 'self'; connect-src 'self'"
# The script is loaded twice, as a page with an include too many would: it must still queue
# each entry once.
PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Fair</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<script src="/static/core/offline-queue.js" defer></script>
<script src="/static/core/offline-queue.js?again" defer></script></head>
<body><main>
<form method="post" action="/fairs/7/entries" data-offline-queue="fair-7">
  <input type="hidden" name="csrfmiddlewaretoken" value="form-token">
  <input type="hidden" name="idempotency_key" value="">
  <label>Name <input name="name" required data-offline-queue-label></label>
  <label>Phone <input name="phone" type="tel" inputmode="tel"></label>
  <select name="role"><option value="driver">Driver</option>
    <option value="packer">Packer</option></select>
  <button type="submit">Add</button>
</form>
<div data-offline-queue-status="fair-7" aria-live="polite"
     data-text-waiting="{count} waiting to send" data-text-sent="All sent"
     data-text-refused="Not entered: {entry}: {message}"
     data-text-duplicate="{entry} was already entered"
     data-text-blocked="Not sent: sign in again" data-text-clear="Clear"></div>
</main></body></html>"""


@dataclass
class FakeServer:
    """Answers the form's posts as the contract says: 201 for a new key, 200 duplicate for a
    key seen before; `mode` makes it fail in the ways a weak network or a lost session does."""

    mode: str = "ok"  # ok | down | error | lost_answer | login | hold
    records: dict[str, dict[str, str]] = field(default_factory=dict)
    posts: list[dict[str, str]] = field(default_factory=list)
    headers: list[dict[str, str]] = field(default_factory=list)
    held: list[Any] = field(default_factory=list)

    def handle(self, route: Any) -> None:
        request = route.request
        if request.method == "GET":
            if "offline-queue.js" in request.url:
                route.fulfill(status=200, content_type="text/javascript", body=SCRIPT)
            else:
                route.fulfill(
                    status=200,
                    content_type="text/html; charset=utf-8",
                    headers={"Content-Security-Policy": CSP},
                    body=PAGE,
                )
            return
        if self.mode == "down":
            route.abort("internetdisconnected")
            return
        fields = dict(parse_qsl(request.post_data or ""))
        self.posts.append(fields)
        self.headers.append(request.headers)
        if self.mode == "hold":
            self.held.append(route)
            return
        self.answer(route, fields)

    def answer(self, route: Any, fields: dict[str, str]) -> None:
        if self.mode == "login":
            route.fulfill(status=302, headers={"Location": "/accounts/login/"})
            return
        if self.mode == "error":
            route.fulfill(status=503, content_type="text/html", body="<h1>Busy</h1>")
            return
        if fields.get("name") == "Refused":
            refusal = {"code": "posting_closed", "message": "This posting is closed."}
            route.fulfill(status=409, content_type="application/json", body=json.dumps(refusal))
            return
        key = fields["idempotency_key"]
        duplicate = key in self.records or any(
            record["phone"] == fields.get("phone") for record in self.records.values()
        )
        if not duplicate:
            self.records[key] = fields
        if self.mode == "lost_answer":  # kept, but the answer never arrives
            route.abort("connectionreset")
            return
        body: dict[str, object] = {
            "id": len(self.records),
            "status": "applied",
            "duplicate": duplicate,
        }
        route.fulfill(
            status=200 if duplicate else 201,
            content_type="application/json",
            body=json.dumps(body),
        )


@pytest.fixture
def fair(browser: Any) -> Iterator[tuple[Any, FakeServer]]:
    context = browser.new_context(viewport={"width": 360, "height": 740}, locale="en-GB")
    context.set_default_timeout(10_000)
    context.add_cookies([{"name": "csrftoken", "value": "cookie-token", "url": ORIGIN}])
    server = FakeServer()
    context.route(f"{ORIGIN}/**", server.handle)
    page = context.new_page()
    violations: list[str] = []
    page.on("console", lambda message: violations.append(message.text))
    page.goto(f"{ORIGIN}/fairs/7/")
    yield page, server
    assert not [text for text in violations if "Content Security Policy" in text]
    context.close()


def enter(page: Any, name: str, phone: str) -> None:
    page.locator("input[name=name]").fill(name)
    page.locator("input[name=phone]").fill(phone)
    page.locator("button[type=submit]").click()


def status(page: Any) -> Any:
    return page.locator("[data-offline-queue-status]")


def queued(page: Any) -> list[dict[str, Any]]:
    entries: list[dict[str, Any]] = page.evaluate(
        "JSON.parse(localStorage.getItem('xc-offline-queue:fair-7') || '[]')"
    )
    return entries


def test_entries_wait_offline_and_go_in_order_with_their_own_keys(fair: Any) -> None:
    page, server = fair
    enter(page, "Wang Fang", "13900000001")
    expect(status(page)).to_contain_text("All sent")
    # The form is ready for the next person, the cursor in the first field.
    expect(page.locator("input[name=name]")).to_have_value("")
    expect(page.locator("input[name=name]")).to_be_focused()

    server.mode = "down"
    page.context.set_offline(True)
    for number in range(2, 5):
        enter(page, f"Person {number}", f"1390000000{number}")
    expect(status(page)).to_contain_text("3 waiting to send")
    assert [entry["label"] for entry in queued(page)] == ["Person 2", "Person 3", "Person 4"]

    server.mode = "ok"
    page.context.set_offline(False)  # the `online` event sends them at once
    expect(status(page)).to_contain_text("All sent", timeout=3_000)
    assert [record["name"] for record in server.records.values()] == [
        "Wang Fang",
        "Person 2",
        "Person 3",
        "Person 4",
    ]
    for key, record in server.records.items():
        assert uuid.UUID(key).version == 4
        assert record["idempotency_key"] == key
        assert "csrfmiddlewaretoken" not in record  # the token goes in the header, fresh
    assert {h["x-csrftoken"] for h in server.headers} == {"cookie-token"}
    assert {h["accept"] for h in server.headers} == {"application/json"}
    assert queued(page) == []


def test_a_lost_answer_is_retried_with_the_same_key_and_kept_once(fair: Any) -> None:
    page, server = fair
    server.mode = "lost_answer"
    enter(page, "Li Na", "13900000011")
    expect(status(page)).to_contain_text("1 waiting to send")
    server.mode = "error"  # then the server is busy for a while
    page.wait_for_timeout(5_500)
    server.mode = "ok"
    expect(status(page)).to_contain_text("All sent", timeout=7_000)
    keys = [post["idempotency_key"] for post in server.posts]
    assert len(keys) >= 3
    assert len(set(keys)) == 1
    assert len(server.records) == 1


def test_a_refused_entry_leaves_the_queue_with_the_servers_message(fair: Any) -> None:
    page, server = fair
    server.mode = "down"
    enter(page, "Refused", "13900000021")
    enter(page, "Zhang Wei", "13900000022")
    enter(page, "Zhang Wei again", "13900000022")  # same phone: the server keeps one
    expect(status(page)).to_contain_text("3 waiting to send")
    server.mode = "ok"
    page.evaluate("window.dispatchEvent(new Event('online'))")
    expect(status(page)).to_contain_text("All sent")
    expect(status(page).locator(".message-error")).to_have_text(
        "Not entered: Refused: This posting is closed."
    )
    expect(status(page)).to_contain_text("Zhang Wei again was already entered")
    assert [record["name"] for record in server.records.values()] == ["Zhang Wei"]
    # The refusal stays listed after a reload (without the phone number), until cleared.
    page.reload()
    expect(status(page).locator(".message-error")).to_have_count(1)
    assert "13900000021" not in page.evaluate("JSON.stringify(localStorage)")
    status(page).get_by_role("button", name="Clear").click()
    expect(status(page).locator(".message-error")).to_have_count(0)


def test_queued_entries_survive_a_reload_and_send_after_it(fair: Any) -> None:
    page, server = fair
    server.mode = "down"
    enter(page, "Yang Wei", "13900000031")
    enter(page, "Pan Lei", "13900000032")
    keys = [entry["key"] for entry in queued(page)]
    page.reload()
    expect(status(page)).to_contain_text("2 waiting to send")
    server.mode = "ok"
    expect(status(page)).to_contain_text("All sent", timeout=7_000)  # the 5 s retry
    assert list(server.records) == keys


def test_one_send_at_a_time_when_the_timer_and_online_fire_together(fair: Any) -> None:
    page, server = fair
    server.mode = "hold"  # the first post gets no answer yet
    enter(page, "Slow One", "13900000041")
    enter(page, "Slow Two", "13900000042")
    for _ in range(3):
        page.evaluate("window.dispatchEvent(new Event('online'))")
    page.wait_for_timeout(5_500)  # and the retry timer fires too
    assert [post["name"] for post in server.posts] == ["Slow One"]
    server.mode = "ok"
    server.held.pop().fulfill(
        status=201,
        content_type="application/json",
        body=json.dumps({"id": 1, "status": "applied", "duplicate": False}),
    )
    expect(status(page)).to_contain_text("All sent")
    assert [post["name"] for post in server.posts] == ["Slow One", "Slow Two"]


def test_a_lost_session_keeps_the_entries_until_the_server_answers(fair: Any) -> None:
    page, server = fair
    server.mode = "login"  # redirected to the login page: not a verdict on the entry
    enter(page, "Zhao Min", "13900000051")
    expect(status(page)).to_contain_text("Not sent: sign in again")
    expect(status(page)).to_contain_text("1 waiting to send")
    server.mode = "ok"
    expect(status(page)).to_contain_text("All sent", timeout=7_000)
    assert [record["name"] for record in server.records.values()] == ["Zhao Min"]
    assert re.fullmatch(r"[0-9a-f-]{36}", next(iter(server.records)))
