"""Search and product-page latency through a real HTTP server (gunicorn), on SQLite or PostgreSQL.

    .venv/bin/python bench/search_bench.py                      # 100,000 products, SQLite in /tmp
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/xc_bench .venv/bin/python bench/search_bench.py

Builds (or reuses) a catalogue of N listed products — the Danzhai demo plus generated ones — in
the database, starts gunicorn on a free 127.0.0.1 port, sends a bounded number of requests per
kind of query and prints p50/p95/p99 latency and requests per second. Results and the machine
they came from go in docs/performance.md.
"""

import argparse
import http.client
import json
import os
import platform
import socket
import statistics
import subprocess
import sys
import threading
import time
import urllib.parse
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VENV_BIN = ROOT / ".venv" / "bin"
DEFAULT_DATA_DIR = Path("/tmp/xiangcun-bench")

SEARCHES: dict[str, list[dict[str, str]]] = {
    "search fm": [{"q": "fm"}],
    "search fengmi": [{"q": "fengmi"}],
    "search 蜂蜜": [{"q": "蜂蜜"}],
    "search laran": [{"q": "laran"}],
    "search 丹寨 dami": [{"q": "丹寨 dami"}],
    "search + filters": [
        {"q": "蜡染", "township": "522636102"},
        {"q": "fm", "certified": "true", "sort": "price"},
        {"q": "rice", "category": "farm", "price_max": "60"},
    ],
    "filters only": [
        {"category": "farm", "certified": "true", "sort": "price"},
        {"direction": "down", "price_max": "100"},
        {"brand": "paidiao-batik", "sort": "new"},
    ],
}


def _environment(args: argparse.Namespace) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "xiangcun.settings",
            "XIANGCUN_DATA_DIR": str(args.data_dir),
            # Production-like: no debug query log, no SSL redirect on the loopback.
            "DEBUG": "0",
            "SECRET_KEY": "bench-only-not-secret",
            "ALLOWED_HOSTS": "127.0.0.1",
            "SECURE_SSL_REDIRECT": "0",
            "LOG_LEVEL": "WARNING",
        }
    )
    return env


def prepare(args: argparse.Namespace) -> None:
    """Migrate and load the catalogue in this process (the server runs in others)."""
    os.environ.update(_environment(args))
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection, transaction
    from tqdm import tqdm

    from xiangcun.accounts import services as accounts_services
    from xiangcun.catalog import services as catalog_services
    from xiangcun.catalog.models import Product
    from xiangcun.catalog.search.interface import search_backend
    from xiangcun.regions import services as regions_services
    from xiangcun.sellers import services as sellers_services

    print(f"database: {connection.vendor} {connection.settings_dict['NAME']}")
    call_command("migrate", verbosity=0)
    with transaction.atomic():
        regions_services.danzhai_demo_load()
        accounts_services.roles_sync()
        sellers = sellers_services.sellers_demo_load()
        catalog_services.catalog_demo_load(sellers=sellers)
    have = Product.objects.filter(status=Product.Status.LISTED).count()
    missing = args.products - have
    if missing > 0:
        started = time.perf_counter()
        with tqdm(total=missing, desc="generating products", unit="product") as bar:
            catalog_services.catalog_demo_generate(count=missing, progress=bar.update)
        print(f"generated {missing} products in {time.perf_counter() - started:.0f} s")
    # Statistics for the planner after the bulk load; VACUUM also lets PostgreSQL answer
    # from the term index alone (its visibility map is then current).
    search_backend().optimize()
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")
    else:
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    listed = Product.objects.filter(status=Product.Status.LISTED).count()
    from xiangcun.catalog.models import SearchTerm

    print(f"listed products: {listed}, index terms: {SearchTerm.objects.count()}")


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _get(port: int, path: str) -> tuple[int, float, bytes]:
    started = time.perf_counter()
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        conn.request("GET", path)
        response = conn.getresponse()
        body = response.read()
        return response.status, time.perf_counter() - started, body
    finally:
        conn.close()


def _server(args: argparse.Namespace, port: int) -> subprocess.Popen[bytes]:
    command = [
        str(VENV_BIN / "gunicorn"),
        "xiangcun.wsgi:application",
        "--bind",
        f"127.0.0.1:{port}",
        "--workers",
        str(args.workers),
        "--log-level",
        "warning",
    ]
    server = subprocess.Popen(command, env=_environment(args), cwd=ROOT)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if _get(port, "/api/v1/catalog/categories")[0] == 200:
                return server
        except OSError:
            pass
        time.sleep(0.3)
    server.terminate()
    raise SystemExit("gunicorn did not start")


def _measure(port: int, paths: list[str], concurrency: int) -> dict[str, float]:
    latencies: list[float] = []
    errors = 0
    lock = threading.Lock()
    queue = list(reversed(paths))

    def worker() -> None:
        nonlocal errors
        while True:
            with lock:
                if not queue:
                    return
                path = queue.pop()
            status, seconds, _ = _get(port, path)
            with lock:
                latencies.append(seconds)
                errors += status != 200

    started = time.perf_counter()
    threads = [threading.Thread(target=worker) for _ in range(concurrency)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - started
    ordered = sorted(latencies)

    def pct(p: float) -> float:
        return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))] * 1000

    return {
        "n": len(ordered),
        "errors": errors,
        "p50": pct(50),
        "p95": pct(95),
        "p99": pct(99),
        "mean": statistics.fmean(ordered) * 1000,
        "rps": len(ordered) / elapsed,
    }


def run(args: argparse.Namespace) -> None:
    port = _free_port()
    server = _server(args, port)
    try:
        # Product ids from the API itself: newest listed products, several pages deep.
        ids: list[int] = []
        for page in range(1, 6):
            _, _, body = _get(port, f"/api/v1/catalog/products?sort=new&page={page * 7}")
            ids += [item["id"] for item in json.loads(body)["items"]]
        kinds: dict[str, list[str]] = {}
        base = "/api/v1/catalog/products"
        for kind, queries in SEARCHES.items():
            urls = [f"{base}?{urllib.parse.urlencode(q)}" for q in queries]
            kinds[kind] = [urls[i % len(urls)] for i in range(args.requests)]
        kinds["product page"] = [f"{base}/{ids[i % len(ids)]}" for i in range(args.requests)]
        # Check each query answers and warm every worker's caches (jieba's dictionary).
        for kind, paths in kinds.items():
            for path in dict.fromkeys(paths):
                status, _, body = _get(port, path)
                # Counts stop at 1,000 (catalog/search/backend.py COUNT_CAP): 1000 = "1000+".
                count = json.loads(body).get("count", "-")
                print(f"  {status} count={count:<7} {urllib.parse.unquote(path)}")
                if status != 200:
                    raise SystemExit(f"{kind}: HTTP {status}")
            _measure(port, paths[: args.workers * 10], args.concurrency)
        print()
        header = f"{'kind':<18} {'n':>5} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8} {'req/s':>7}"
        print(header)
        print("-" * len(header))
        all_search: list[float] = []
        for kind, paths in kinds.items():
            result = _measure(port, paths, args.concurrency)
            if kind != "product page":
                all_search.append(result["p95"])
            print(
                f"{kind:<18} {result['n']:>5} {result['p50']:>8.1f} {result['p95']:>8.1f} "
                f"{result['p99']:>8.1f} {result['rps']:>7.1f}"
                + (f"  errors={result['errors']}" if result["errors"] else "")
            )
        print()
        print(
            f"machine: {platform.processor() or platform.machine()}, {os.cpu_count()} cores, "
            f"Python {platform.python_version()}; gunicorn {args.workers} sync workers, "
            f"{args.concurrency} concurrent clients, {args.requests} requests per kind"
        )
        print(f"worst search p95: {max(all_search):.1f} ms")
    finally:
        server.terminate()
        server.wait(timeout=30)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--products", type=int, default=100_000)
    parser.add_argument("--requests", type=int, default=300, help="requests per kind")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers")
    parser.add_argument("--concurrency", type=int, default=2, help="client threads")
    parser.add_argument("--data-dir", type=Path, default=DEFAULT_DATA_DIR)
    parser.add_argument("--skip-prepare", action="store_true", help="reuse the database as is")
    args = parser.parse_args()
    if not os.environ.get("DATABASE_URL"):
        args.data_dir.mkdir(parents=True, exist_ok=True)
        print(f"SQLite database in {args.data_dir} (set DATABASE_URL for PostgreSQL)")
    sys.path.insert(0, str(ROOT / "src"))
    if not args.skip_prepare:
        prepare(args)
    run(args)


if __name__ == "__main__":
    main()
