"""Crash test: the real server (gunicorn, through `xiangcun serve --production`) is killed with
SIGKILL in the middle of a burst of checkouts and sandbox payments, started again, the buyers'
apps retry with the same Idempotency-Keys and pay what is unpaid, and then stock,
reservations, orders, payments and the ledger still agree (`xiangcun check-integrity`).

PostgreSQL only: the server is a separate process and must see the test's database (SQLite's
test database lives in memory). It uses the pytest-django test database, committed for real
(transaction=True), under its own name."""

import http.client
import json
import os
import re
import signal
import socket
import subprocess
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from http.cookiejar import CookieJar
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.db import connection

from tests.ops.processes import ROOT, XIANGCUN, postgres_env
from tests.ops.world import Shop, shop_build
from xiangcun.accounts.services import api_token_issue
from xiangcun.orders.models import Order

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

BUYERS = 6
CHECKOUTS_PER_BUYER = 5
# Fewer units than the burst asks for: some checkouts must be turned away for want of stock.
UNITS_PER_VARIANT = 12
# Kill the server once this many checkouts have been answered, most of the burst still to go.
KILL_AFTER = 8
CSRF_FIELD = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class Server:
    """`xiangcun serve --production` in its own process group, so SIGKILL takes the gunicorn
    master and its workers at once, as a power cut or the OOM killer would."""

    def __init__(self, env: dict[str, str], log: Path) -> None:
        self.env = env
        self.log = log
        self.process: subprocess.Popen[bytes] | None = None
        self.base = ""

    def start(self) -> None:
        port = free_port()
        self.base = f"http://127.0.0.1:{port}"
        with self.log.open("ab") as log:
            self.process = subprocess.Popen(  # noqa: S603 - fixed argv
                [XIANGCUN, "serve", "--production", "--port", str(port), "--workers", "2"],
                env=self.env,
                cwd=ROOT,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise AssertionError(f"the server exited: {self.log.read_text()[-3000:]}")
            try:
                with urllib.request.urlopen(f"{self.base}/healthz", timeout=2) as answer:  # noqa: S310
                    if answer.status == 200:
                        return
            except OSError:
                time.sleep(0.3)
        raise AssertionError(f"the server did not start: {self.log.read_text()[-3000:]}")

    def kill(self) -> None:
        if self.process is not None and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=10)


@dataclass
class Checkout:
    key: str
    buyer: int
    lines: list[tuple[int, int]]
    outcome: str = "not tried"  # placed, paid, no_stock, lost (the server died under it)
    payment: str = ""


def _json(response: Any) -> dict[str, Any]:
    text = response.read().decode()
    try:
        return dict(json.loads(text))
    except ValueError:  # an error page: keep its start for the assertion message
        return {"page": text[:300]}


class Buyer:
    """One buyer's phone: an API token for checkout, cookies for the sandbox payment page."""

    def __init__(self, token: str) -> None:
        self.token = token
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(CookieJar()))

    def checkout(self, base: str, shop: Shop, checkout: Checkout) -> tuple[int, dict[str, Any]]:
        body = {
            "lines": [{"variant": variant, "quantity": qty} for variant, qty in checkout.lines],
            "delivery": {"method": "station_pickup", "station": shop.station.pk},
            "payment_method": "sandbox",
        }
        request = urllib.request.Request(  # noqa: S310 - our own test server
            f"{base}/api/v1/orders",
            data=json.dumps(body).encode(),
            method="POST",
            headers={
                "Authorization": f"Bearer {self.token}",
                "Idempotency-Key": checkout.key,
                "Content-Type": "application/json",
            },
        )
        try:
            with self.opener.open(request, timeout=30) as answer:
                return answer.status, _json(answer)
        except urllib.error.HTTPError as error:
            return error.code, _json(error)

    def pay(self, base: str, number: str) -> None:
        page = f"{base}/pay/sandbox/{number}/"
        with self.opener.open(page, timeout=30) as answer:
            match = CSRF_FIELD.search(answer.read().decode())
        if match is None:  # already paid: the page shows no form
            return
        form = urllib.parse.urlencode(
            {"csrfmiddlewaretoken": match.group(1), "decision": "approve"}
        ).encode()
        with self.opener.open(page, data=form, timeout=30) as answer:
            assert answer.status == 200


def attempt(buyer: Buyer, base: str, shop: Shop, checkout: Checkout) -> None:
    """Check out and pay, recording how far it got; a dead server leaves it `lost`."""
    checkout.outcome = "lost"
    status, body = buyer.checkout(base, shop, checkout)
    if status == 409 and body.get("code") == "insufficient_stock":
        checkout.outcome = "no_stock"
        return
    assert status in (200, 201), (status, body)
    checkout.payment = body["payment"]["number"]
    checkout.outcome = "placed"
    buyer.pay(base, checkout.payment)
    checkout.outcome = "paid"


def test_killed_mid_burst_the_server_comes_back_consistent(tmp_path: Path) -> None:
    shop = shop_build(buyers=BUYERS, variants=3, on_hand=UNITS_PER_VARIANT)
    buyers = [Buyer(api_token_issue(user=user).token) for user in shop.buyers]
    variants = [variant.pk for variant in shop.variants]
    plans = [
        [
            Checkout(
                key=f"crash-{b}-{n}",
                buyer=b,
                lines=[(variants[(b + n) % 3], 1 + n % 2), (variants[(b + n + 1) % 3], 1)],
            )
            for n in range(CHECKOUTS_PER_BUYER)
        ]
        for b in range(BUYERS)
    ]
    env = {**postgres_env(str(connection.settings_dict["NAME"])), "STATIC_ROOT": str(tmp_path)}
    server = Server(env, tmp_path / "server.log")
    server.start()
    answered = threading.Semaphore(0)
    killed = threading.Event()

    def burst(plan: list[Checkout]) -> None:
        for checkout in plan:
            if killed.is_set():
                return
            try:
                attempt(buyers[checkout.buyer], server.base, shop, checkout)
            except (OSError, http.client.HTTPException):  # the server is gone
                return
            answered.release()

    threads = [threading.Thread(target=burst, args=(plan,)) for plan in plans]
    try:
        for thread in threads:
            thread.start()
        for _ in range(KILL_AFTER):
            assert answered.acquire(timeout=60), "the burst stalled before the kill"
        server.kill()
        killed.set()
        for thread in threads:
            thread.join(timeout=60)
        checkouts = [checkout for plan in plans for checkout in plan]
        outcomes = [checkout.outcome for checkout in checkouts]
        assert outcomes.count("paid") >= 1
        # Killed mid-burst: work was cut off (in flight or not yet sent).
        assert outcomes.count("lost") + outcomes.count("not tried") >= 1, outcomes

        server.start()
        for checkout in checkouts:
            # The buyer's app retries everything not known to be finished, same key and body.
            if checkout.outcome in ("lost", "not tried", "placed"):
                attempt(buyers[checkout.buyer], server.base, shop, checkout)
        assert {checkout.outcome for checkout in checkouts} <= {"paid", "no_stock"}
    finally:
        server.kill()
        connection.close()

    out = StringIO()
    call_command("check_integrity", stdout=out)
    assert "OK" in out.getvalue()
    paid = [checkout for checkout in checkouts if checkout.outcome == "paid"]
    assert paid, "every checkout was turned away"
    assert any(checkout.outcome == "no_stock" for checkout in checkouts)
    # One order per key, whatever the retries, and it is the one that was paid.
    orders = {order.idempotency_key: order for order in Order.objects.all()}
    assert len(orders) == Order.objects.count() == len(paid)
    for checkout in paid:
        order = orders[f"{shop.buyers[checkout.buyer].pk}:{checkout.key}"]
        assert order.status == Order.Status.PAID
        assert order.payment_number == checkout.payment
