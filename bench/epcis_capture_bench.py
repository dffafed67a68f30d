"""EPCIS capture throughput and query latency through a real HTTP server (gunicorn).

    .venv/bin/python bench/epcis_capture_bench.py                 # SQLite in /tmp
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/xc_epcis \
        .venv/bin/python bench/epcis_capture_bench.py

Migrates the database, makes a driver with an API token, starts gunicorn on a free 127.0.0.1
port, POSTs generated 1,000-event EPCIS documents to /api/v1/epcis/capture (each is schema-
validated, rule-checked, hashed and stored in one transaction) and prints events/s; then times
GET /api/v1/epcis/events for a few typical queries (p50/p95). Results go in docs/performance.md.
"""

import argparse
import http.client
import json
import os
import platform
import socket
import statistics
import subprocess
import time
import urllib.parse
import uuid
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
VENV_BIN = ROOT / ".venv" / "bin"
DEFAULT_DATA_DIR = Path("/tmp/xiangcun-epcis-bench")


def _environment(args: argparse.Namespace) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "xiangcun.settings",
            "XIANGCUN_DATA_DIR": str(args.data_dir),
            "DEBUG": "0",
            "SECRET_KEY": "bench-only-not-secret",
            "ALLOWED_HOSTS": "127.0.0.1",
            "SECURE_SSL_REDIRECT": "0",
            "LOG_LEVEL": "WARNING",
        }
    )
    return env


def prepare(args: argparse.Namespace) -> str:
    """Migrate and make a driver's API token (in this process; the server runs in others)."""
    os.environ.update(_environment(args))
    import django

    django.setup()
    from django.core.management import call_command

    from xiangcun.accounts.models import User
    from xiangcun.accounts.services import api_token_issue, role_grant, roles_sync
    from xiangcun.accounts.types import Role

    call_command("migrate", verbosity=0)
    roles_sync()
    user = User.objects.filter(phone="13900009999").first()
    if user is None:
        user = User.objects.create_user(phone="13900009999", password=uuid.uuid4().hex)
    role_grant(user=user, role=Role.DRIVER)
    return api_token_issue(user=user).token


def document(size: int, run: str) -> dict[str, Any]:
    """`size` ObjectEvents of another company's goods (stored as received), all distinct."""
    events = []
    for n in range(size):
        events.append(
            {
                "type": "ObjectEvent",
                "eventTime": f"2026-11-{1 + n % 28:02d}T{n % 24:02d}:{n % 60:02d}:00.000+08:00",
                "eventTimeZoneOffset": "+08:00",
                "action": "OBSERVE",
                "bizStep": ["receiving", "shipping", "inspecting", "packing"][n % 4],
                "disposition": "in_progress",
                "epcList": [
                    f"urn:epc:id:sgtin:0614141.107346.{run}{n}",
                    f"urn:epc:id:sgtin:0614141.107346.{run}{n}b",
                ],
                "quantityList": [
                    {"epcClass": f"urn:epc:class:lgtin:4012345.012345.{run}", "quantity": n + 1}
                ],
                "readPoint": {"id": f"urn:epc:id:sgln:0614141.{n % 50:05d}.0"},
                "bizLocation": {"id": "urn:epc:id:sgln:0614141.00888.0"},
                "bizTransactionList": [
                    {"type": "po", "bizTransaction": f"http://transaction.acme.com/po/{run}{n}"}
                ],
                "example:batch": run,
            }
        )
    return {
        "@context": [
            "https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld",
            {"example": "http://ns.example.com/epcis/"},
        ],
        "type": "EPCISDocument",
        "schemaVersion": "2.0",
        "creationDate": "2026-11-29T08:00:00.000Z",
        "epcisBody": {"eventList": events},
    }


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _request(
    port: int, method: str, path: str, token: str, body: bytes | None = None
) -> tuple[int, float, bytes]:
    started = time.perf_counter()
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=300)
    headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/ld+json"}
    try:
        conn.request(method, path, body=body, headers=headers)
        response = conn.getresponse()
        data = response.read()
        return response.status, time.perf_counter() - started, data
    finally:
        conn.close()


def _server(args: argparse.Namespace, port: int, token: str) -> subprocess.Popen[bytes]:
    command = [
        str(VENV_BIN / "gunicorn"),
        "xiangcun.wsgi:application",
        "--bind",
        f"127.0.0.1:{port}",
        "--workers",
        str(args.workers),
        "--timeout",
        "300",
        "--log-level",
        "warning",
    ]
    server = subprocess.Popen(command, env=_environment(args), cwd=ROOT)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if _request(port, "GET", "/api/v1/epcis/events?perPage=1", token)[0] == 200:
                return server
        except OSError:
            pass
        time.sleep(0.3)
    server.terminate()
    raise SystemExit("gunicorn did not start")


QUERIES = {
    "first page (30)": {},
    "perPage=100": {"perPage": "100"},
    "EQ_bizStep=shipping": {"EQ_bizStep": "shipping", "perPage": "100"},
    "MATCH_epc pattern": {"MATCH_epc": "urn:epc:idpat:sgtin:0614141.107346.*", "perPage": "100"},
    "GE/LT_eventTime": {
        "GE_eventTime": "2026-11-10T00:00:00Z",
        "LT_eventTime": "2026-11-12T00:00:00Z",
    },
}


def run(args: argparse.Namespace) -> None:
    token = prepare(args)
    port = _free_port()
    server = _server(args, port, token)
    try:
        rates = []
        for round_number in range(args.rounds):
            body = json.dumps(document(args.events, f"r{uuid.uuid4().hex[:8]}")).encode()
            status, seconds, data = _request(port, "POST", "/api/v1/epcis/capture", token, body)
            if status != 201:
                raise SystemExit(f"capture failed: {status} {data[:500]!r}")
            rates.append(args.events / seconds)
            print(
                f"capture round {round_number + 1}: {args.events} events, {len(body) / 1e6:.2f} MB"
                f" in {seconds:.2f} s = {args.events / seconds:.0f} events/s"
            )
        print(f"capture: median {statistics.median(rates):.0f} events/s")
        for name, params in QUERIES.items():
            path = "/api/v1/epcis/events?" + urllib.parse.urlencode(params)
            timings = []
            for _ in range(args.queries):
                status, seconds, _data = _request(port, "GET", path, token)
                if status != 200:
                    raise SystemExit(f"query failed: {status}")
                timings.append(seconds * 1000)
            timings.sort()
            p95 = timings[int(len(timings) * 0.95) - 1]
            print(f"query {name:22} p50 {statistics.median(timings):6.1f} ms  p95 {p95:6.1f} ms")
        database = os.environ.get("DATABASE_URL", "").split("://")[0] or "sqlite"
        print(
            f"{database}; Python {platform.python_version()}; gunicorn {args.workers} sync "
            f"workers; {os.cpu_count()} CPUs"
        )
    finally:
        server.terminate()
        server.wait(timeout=30)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=1000, help="events per document")
    parser.add_argument("--rounds", type=int, default=3, help="documents to capture")
    parser.add_argument("--queries", type=int, default=40, help="requests per query kind")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers")
    parser.add_argument("--data-dir", type=Path, default=DEFAULT_DATA_DIR)
    run(parser.parse_args())


if __name__ == "__main__":
    main()
