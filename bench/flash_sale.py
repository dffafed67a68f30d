"""Flash sale against a real server: N buyers at once for M units of one variant.

Creates a fresh PostgreSQL database next to the one in DATABASE_URL, migrates it, loads a shop,
one variant with M units, a pickup station and N buyers with API tokens, starts gunicorn from
.venv on a free 127.0.0.1 port, and sends every buyer's `POST /api/v1/orders` (one unit, an
Idempotency-Key each) from C client threads. Prints orders/s, p50/p95 latency, units sold and
units oversold (held or sold beyond M: must be 0), then stops the server and drops the database.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres \
        .venv/bin/python bench/flash_sale.py --buyers 500 --units 100 --concurrency 32
"""

import argparse
import http.client
import json
import os
import socket
import statistics
import subprocess
import sys
import threading
import time
import uuid
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlparse, urlunparse

PROJECT = Path(__file__).resolve().parents[1]
VENV_BIN = PROJECT / ".venv" / "bin"


# --- database and server ----------------------------------------------------------------------


def _database_url(name: str) -> str:
    base = os.environ.get("DATABASE_URL", "")
    if not base.startswith(("postgres://", "postgresql://")):
        sys.exit("Set DATABASE_URL to a PostgreSQL server (any database on it).")
    return urlunparse(urlparse(base)._replace(path=f"/{name}"))


def _psql(url: str, sql: str) -> None:
    import psycopg

    with psycopg.connect(url, autocommit=True) as connection:
        connection.execute(sql)


@contextmanager
def fresh_database(prefix: str, keep: bool) -> Iterator[str]:
    name = f"{prefix}_{os.getpid()}"
    admin = _database_url("postgres")
    _psql(admin, f'DROP DATABASE IF EXISTS "{name}"')
    _psql(admin, f'CREATE DATABASE "{name}"')
    try:
        yield _database_url(name)
    finally:
        if not keep:
            _psql(admin, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def server_environment(database_url: str) -> dict[str, str]:
    environment = dict(os.environ)
    environment.update(
        DATABASE_URL=database_url,
        DEBUG="0",
        SECRET_KEY="bench-" + uuid.uuid4().hex,
        ALLOWED_HOSTS="127.0.0.1,localhost",
        SECURE_SSL_REDIRECT="0",
        # Buyers pay in the sandbox, which production turns off.
        PAYMENTS_SANDBOX_ENABLED="1",
        LOG_LEVEL="ERROR",
        PYTHONPATH=f"{PROJECT}{os.pathsep}{PROJECT / 'src'}",
        XIANGCUN_DATA_DIR=str(PROJECT / "data" / "bench"),
    )
    return environment


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextmanager
def gunicorn(environment: dict[str, str], *, workers: int, threads: int) -> Iterator[int]:
    port = free_port()
    process = subprocess.Popen(
        [
            str(VENV_BIN / "gunicorn"),
            "xiangcun.wsgi:application",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(workers),
            "--worker-class",
            "gthread",
            "--threads",
            str(threads),
            "--log-level",
            "warning",
        ],
        cwd=PROJECT,
        env=environment,
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
                connection.request("GET", "/api/v1/regions/stations")
                connection.getresponse().read()
                break
            except OSError:
                if time.monotonic() > deadline or process.poll() is not None:
                    raise RuntimeError("gunicorn did not start") from None
                time.sleep(0.2)
        yield port
    finally:
        process.terminate()
        process.wait(timeout=30)


def run_django(environment: dict[str, str], code: str) -> dict:
    """Run Django code in a child process on the bench database; it prints one JSON line."""
    finished = subprocess.run(
        [str(VENV_BIN / "python"), "-c", code],
        cwd=PROJECT,
        # Buyers' passwords are not what is measured: hash them fast while loading.
        env={**environment, "FAST_PASSWORD_HASHER": "1"},
        capture_output=True,
        text=True,
        check=False,
    )
    if finished.returncode != 0:
        sys.exit(finished.stderr[-4000:])
    return json.loads(finished.stdout.strip().splitlines()[-1])


SETUP = """
import json, os, django
os.environ["DJANGO_SETTINGS_MODULE"] = "xiangcun.settings"
django.setup()
from django.core.management import call_command
call_command("migrate", verbosity=0)
from tests.factories import UserFactory, VillageFactory
from tests.inventory.factories import LocationFactory, VariantFactory
from xiangcun.accounts.models import User
from xiangcun.accounts.services import api_token_issue
from xiangcun.inventory.services import stock_receive
from xiangcun.regions.models import Station
keeper = User.objects.create_superuser(phone="13600000009", password="Danzhai-2016-rice")
warehouse = LocationFactory()
variants = []
for _ in range({variants}):
    variant = VariantFactory()
    stock_receive(actor=keeper, variant_id=variant.pk, location_id=warehouse.pk, quantity={units})
    variants.append(variant.pk)
village = VillageFactory()
station = Station.objects.create(
    kind="village_station", code="BENCH", name="bench", township=village.township, village=village
)
tokens = [api_token_issue(user=UserFactory(phone=f"139{{n:08d}}")).token for n in range({buyers})]
print(json.dumps({{"variants": variants, "station": station.pk, "tokens": tokens}}))
"""

CHECK = """
import json, os, django
os.environ["DJANGO_SETTINGS_MODULE"] = "xiangcun.settings"
django.setup()
from django.db.models import Sum
from xiangcun.inventory.models import Reservation, Stock
from xiangcun.orders.models import Order, OrderLine
stock = Stock.objects.aggregate(on_hand=Sum("on_hand"), reserved=Sum("reserved"))
held = Reservation.objects.filter(status__in=["active", "consumed"]).aggregate(n=Sum("quantity"))
print(json.dumps({
    "orders": Order.objects.count(),
    "units_ordered": OrderLine.objects.aggregate(n=Sum("quantity"))["n"] or 0,
    "units_held": held["n"] or 0,
    "on_hand": stock["on_hand"],
    "reserved": stock["reserved"],
}))
"""


# --- load -------------------------------------------------------------------------------------


@dataclass
class Results:
    latencies: list[float] = field(default_factory=list)
    placed_latencies: list[float] = field(default_factory=list)
    # Seconds from the start at which each order was placed (the sell-out time is the last).
    placed_at: list[float] = field(default_factory=list)
    statuses: Counter = field(default_factory=Counter)
    codes: Counter = field(default_factory=Counter)
    lock: threading.Lock = field(default_factory=threading.Lock)


def warm_up(port: int, token: str, requests: int) -> None:
    """Load the app in every worker thread and open its database connection before timing."""

    def get() -> None:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        connection.request("GET", "/api/v1/orders", headers={"Authorization": f"Bearer {token}"})
        connection.getresponse().read()
        connection.close()

    threads = [threading.Thread(target=get) for _ in range(requests)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()


def fire(port: int, jobs: list[tuple[str, dict]], concurrency: int) -> tuple[Results, float]:
    """Send each (token, body) once from `concurrency` threads released together."""
    results = Results()
    cursor = iter(jobs)
    cursor_lock = threading.Lock()
    start = threading.Barrier(concurrency + 1)
    t0: list[float] = []

    def worker() -> None:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
        start.wait()
        while True:
            with cursor_lock:
                job = next(cursor, None)
            if job is None:
                break
            token, body = job
            began = time.perf_counter()
            try:
                connection.request(
                    "POST",
                    "/api/v1/orders",
                    body=json.dumps(body),
                    headers={
                        "Authorization": f"Bearer {token}",
                        "Content-Type": "application/json",
                        "Idempotency-Key": uuid.uuid4().hex,
                    },
                )
                response = connection.getresponse()
                payload = response.read()
                status = response.status
                code = "" if status < 300 else json.loads(payload or b"{}").get("code", "")
            except (OSError, http.client.HTTPException, ValueError) as error:
                connection.close()
                connection = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
                status, code = 0, type(error).__name__
            elapsed = time.perf_counter() - began
            with results.lock:
                results.latencies.append(elapsed)
                if status == 201:
                    results.placed_latencies.append(elapsed)
                    results.placed_at.append(time.perf_counter() - t0[0])
                results.statuses[status] += 1
                if code:
                    results.codes[code] += 1
        connection.close()

    threads = [threading.Thread(target=worker) for _ in range(concurrency)]
    for thread in threads:
        thread.start()
    t0.append(time.perf_counter())
    start.wait()
    began = t0[0]
    for thread in threads:
        thread.join()
    return results, time.perf_counter() - began


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))] if ordered else 0.0


def report(title: str, results: Results, wall: float, check: dict, capacity: int) -> None:
    placed = results.statuses.get(201, 0)
    oversold = max(0, check["units_held"] - capacity)
    print(f"== {title}")
    print(f"requests           {sum(results.statuses.values())} in {wall:.2f} s")
    print(f"statuses           {dict(sorted(results.statuses.items()))}")
    print(f"error codes        {dict(results.codes)}")
    sold_out = max(results.placed_at, default=wall)
    print(f"orders/s           {placed / sold_out:.1f}  (placed {placed} in {sold_out:.2f} s)")
    print(f"requests/s         {len(results.latencies) / wall:.1f}")
    print(f"latency p50        {statistics.median(results.latencies) * 1000:.1f} ms")
    print(f"latency p95        {percentile(results.latencies, 0.95) * 1000:.1f} ms")
    if results.placed_latencies:
        print(
            f"placed p50/p95     {statistics.median(results.placed_latencies) * 1000:.1f} / "
            f"{percentile(results.placed_latencies, 0.95) * 1000:.1f} ms"
        )
    print(f"units sold         {check['units_held']}  (orders in db {check['orders']})")
    print(f"units oversold     {oversold}")
    print(f"stock afterwards   on_hand {check['on_hand']}, reserved {check['reserved']}")


def arguments(description: str, **defaults: int) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--buyers", type=int, default=defaults.get("buyers", 500))
    parser.add_argument("--units", type=int, default=defaults.get("units", 100))
    parser.add_argument("--variants", type=int, default=defaults.get("variants", 1))
    parser.add_argument("--concurrency", type=int, default=32)
    parser.add_argument("--workers", type=int, default=(os.cpu_count() or 1) * 2)
    parser.add_argument("--threads", type=int, default=8)
    parser.add_argument("--keep", action="store_true", help="keep the bench database")
    return parser.parse_args()


def main() -> None:
    options = arguments(__doc__.splitlines()[0])
    with fresh_database("xc_flash", options.keep) as url:
        environment = server_environment(url)
        data = run_django(
            environment, SETUP.format(variants=1, units=options.units, buyers=options.buyers)
        )
        variant, station = data["variants"][0], data["station"]
        body = {
            "lines": [{"variant": variant, "quantity": 1}],
            "delivery": {"method": "station_pickup", "station": station},
            "payment_method": "sandbox",
        }
        jobs = [(token, body) for token in data["tokens"]]
        with gunicorn(environment, workers=options.workers, threads=options.threads) as port:
            warm_up(port, data["tokens"][0], options.workers * options.threads * 2)
            results, wall = fire(port, jobs, options.concurrency)
        check = run_django(environment, CHECK)
        report(
            f"flash sale: {options.buyers} buyers, {options.units} units, "
            f"{options.concurrency} client threads, {options.workers}x{options.threads} gunicorn",
            results,
            wall,
            check,
            options.units,
        )


if __name__ == "__main__":
    main()
