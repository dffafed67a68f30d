"""Storefront page server time against the JSON API over the same data, in-process (no HTTP).

    .venv/bin/python bench/page_bench.py               # the SQLite catalogue of search_bench.py
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/xc_bench .venv/bin/python bench/page_bench.py
    .venv/bin/python bench/page_bench.py --src /tmp/before/src --json before.json   # older code
    .venv/bin/python bench/page_bench.py --before before.json    # prints before → after
    .venv/bin/python bench/page_bench.py --no-fragment-cache     # pages built from the database
    .venv/bin/python bench/page_bench.py --prepare 100000        # build the catalogue first

Uses the catalogue `bench/search_bench.py` builds (`--prepare N` builds it here, or point
`--data-dir` at a copy). The storefront keeps its lists of cards and product descriptions in
the cache (`catalog.fragments`); by default the figures are those of a page found there (every
page is requested once before timing), `--no-fragment-cache` (STOREFRONT_CACHE_SECONDS=0) gives
those of a page built from the database each time, as after a catalogue write.

Every request goes through Django's whole stack (middleware, URL routing, the view,
templates or ninja) with the test client, as `DEBUG=0` production would run it, minus the socket.
Page and API requests alternate, so load from elsewhere on the machine hits both alike; each
page is compared with the API requests that fetch the same products (the home pages with one
request per shelf; the few brands they also show come on top). Prints median and p95 ms per
page and per API, and page/API, the ratio of the medians.
"""

import argparse
import json
import os
import platform
import statistics
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DATA_DIR = Path("/tmp/xiangcun-bench")
API = "/api/v1/catalog"


def _setup(args: argparse.Namespace) -> None:
    os.environ.update(
        {
            "DJANGO_SETTINGS_MODULE": "xiangcun.settings",
            "XIANGCUN_DATA_DIR": str(args.data_dir),
            "DEBUG": "0",
            "SECRET_KEY": "bench-only-not-secret",
            "ALLOWED_HOSTS": "testserver,127.0.0.1",
            "SECURE_SSL_REDIRECT": "0",
            "LOG_LEVEL": "WARNING",
            # Production serves hashed static names from a manifest: collected once, here.
            "STATIC_ROOT": str(args.data_dir / "static"),
        }
    )
    if args.no_fragment_cache:
        os.environ["STOREFRONT_CACHE_SECONDS"] = "0"
    if args.prepare:
        sys.path.insert(0, str(ROOT / "bench"))
        from search_bench import prepare

        prepare(argparse.Namespace(products=args.prepare, data_dir=args.data_dir))
    sys.path.insert(0, str(args.src))
    import django

    django.setup()
    if not (args.data_dir / "static" / "staticfiles.json").exists():
        from django.core.management import call_command

        call_command("collectstatic", interactive=False, verbosity=0)


def _cases(client: Any) -> dict[str, tuple[str, list[str]]]:
    """{name: (page path, [API paths that fetch the same products])}."""
    from urllib.parse import quote

    from xiangcun.catalog.models import Category, Product

    newest = json.loads(client.get(f"{API}/products?sort=new&page=7").content)["items"]
    product_id = newest[0]["id"]
    seller_id = Product.objects.filter(pk=product_id).values_list("seller_id", flat=True).get()
    top = Category.objects.filter(parent=None).order_by("position", "id").values_list("slug")
    category = next(slug for (slug,) in top)
    cases: dict[str, tuple[str, list[str]]] = {
        "home /": (
            "/",
            [
                f"{API}/products?direction=up&sort=new&page_size=4",
                f"{API}/products?direction=down&sort=new&page_size=4",
            ],
        ),
        "shop home": (
            "/shop/",
            [
                f"{API}/products?direction=up&sort=new&page_size=6",
                f"{API}/products?direction=down&sort=new&page_size=6",
            ],
        ),
        f"category {category}": (
            f"/shop/c/{category}/",
            [f"{API}/products?category={category}&sort=new"],
        ),
        f"category {category} p3": (
            f"/shop/c/{category}/?page=3&sort=price",
            [f"{API}/products?category={category}&sort=price&page=3"],
        ),
    }
    for query in ("蜂蜜", "fm", "丹寨 dami"):
        cases[f"search {query}"] = (
            f"/shop/search/?q={quote(query)}",
            [f"{API}/products?q={quote(query)}"],
        )
    cases["search + filters"] = (
        "/shop/search/?q=fm&certified=on&sort=price",
        [f"{API}/products?q=fm&certified=true&sort=price"],
    )
    cases["product"] = (f"/shop/p/{product_id}/", [f"{API}/products/{product_id}"])
    # The API has no paged list of one shop's products (it returns them all), so the shop page
    # is held against a page of 20 cards from the search API.
    cases[f"shop {seller_id}"] = (f"/shop/s/{seller_id}/", [f"{API}/products?sort=new"])
    return cases


def _pct(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def run(args: argparse.Namespace) -> dict[str, dict[str, float]]:
    from django.db import connection
    from django.test import Client

    client = Client(HTTP_ACCEPT_LANGUAGE=args.lang)
    from xiangcun.catalog.models import Product

    listed = Product.objects.filter(status=Product.Status.LISTED).count()
    from django.conf import settings

    print(
        f"database: {connection.vendor} {connection.settings_dict['NAME']}, {listed} listed "
        f"products; code: {args.src}; cache: {settings.CACHES['default']['BACKEND']}, "
        f"fragments kept {getattr(settings, 'STOREFRONT_CACHE_SECONDS', 'n/a')} s"
    )
    cases = _cases(client)
    results: dict[str, dict[str, float]] = {}

    def timed(path: str) -> float:
        started = time.perf_counter()
        response = client.get(path)
        elapsed = (time.perf_counter() - started) * 1000
        if response.status_code != 200:
            raise SystemExit(f"{path}: HTTP {response.status_code}")
        return elapsed

    # p10 as well: on a machine others load, the fastest requests are those nobody preempted.
    header = (
        f"{'page':<24} {'page p10':>9} {'p50':>7} {'p95':>7} {'API p10':>8} {'p50':>7} "
        f"{'p95':>7} {'page/API':>9} {'p10 ratio':>10}"
    )
    print(header)
    print("-" * len(header))
    for name, (page, apis) in cases.items():
        for _ in range(args.warmup):
            timed(page)
            for api in apis:
                timed(api)
        page_ms: list[float] = []
        api_ms: list[float] = []
        for _ in range(args.repeat):
            page_ms.append(timed(page))
            api_ms.append(sum(timed(api) for api in apis))
        row = {
            "page_p10": _pct(page_ms, 10),
            "api_p10": _pct(api_ms, 10),
            "page_p50": statistics.median(page_ms),
            "page_p95": _pct(page_ms, 95),
            "api_p50": statistics.median(api_ms),
            "api_p95": _pct(api_ms, 95),
        }
        row["ratio"] = row["page_p50"] / row["api_p50"]
        row["ratio_p10"] = row["page_p10"] / row["api_p10"]
        results[name] = row
        print(
            f"{name:<24} {row['page_p10']:>9.1f} {row['page_p50']:>7.1f} {row['page_p95']:>7.1f} "
            f"{row['api_p10']:>8.1f} {row['api_p50']:>7.1f} {row['api_p95']:>7.1f} "
            f"{row['ratio']:>8.2f}x {row['ratio_p10']:>9.2f}x"
        )
    print()
    print(
        f"{platform.processor() or platform.machine()}, {os.cpu_count()} cores, Python "
        f"{platform.python_version()}, load average {os.getloadavg()[0]:.1f}; "
        f"{args.repeat} requests per page and per API (after {args.warmup} warm-up), "
        f"language {args.lang}"
    )
    return results


def _print_before_after(before: dict[str, Any], after: dict[str, Any]) -> None:
    print()
    header = (
        f"{'page':<24} {'page p50 before → after':>24} {'p95 before → after':>20} {'ratio':>16}"
    )
    print(header)
    print("-" * len(header))
    for name, row in after.items():
        old = before.get(name)
        if old is None:
            continue
        print(
            f"{name:<24} {old['page_p50']:>11.1f} → {row['page_p50']:<10.1f} "
            f"{old['page_p95']:>8.1f} → {row['page_p95']:<9.1f} "
            f"{old['ratio']:>6.2f} → {row['ratio']:.2f}"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data-dir", type=Path, default=DEFAULT_DATA_DIR)
    parser.add_argument("--src", type=Path, default=ROOT / "src", help="code to measure")
    parser.add_argument("--repeat", type=int, default=30, help="requests per page and per API")
    parser.add_argument("--warmup", type=int, default=3)
    parser.add_argument("--lang", default="zh-hans", help="Accept-Language of the requests")
    parser.add_argument("--json", type=Path, help="write the figures here")
    parser.add_argument("--before", type=Path, help="figures of an earlier run to compare with")
    parser.add_argument(
        "--no-fragment-cache", action="store_true", help="STOREFRONT_CACHE_SECONDS=0"
    )
    parser.add_argument("--prepare", type=int, metavar="N", help="build N products first")
    args = parser.parse_args()
    _setup(args)
    results = run(args)
    if args.json:
        args.json.write_text(json.dumps(results, indent=1))
    if args.before:
        _print_before_after(json.loads(args.before.read_text()), results)


if __name__ == "__main__":
    main()
