"""Search quality over the evaluation set (tests/catalog/search_eval.py): hit rate and MRR.

    .venv/bin/python bench/search_quality.py            # a fresh SQLite database in /tmp
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/xc_quality \
        .venv/bin/python bench/search_quality.py

Loads the Danzhai demo catalogue into the database (migrating it first), asks every query of
the set for its first ten products and prints, per kind of query and in all: the hit rate (the
share of queries whose expected products are all in the first ten) and the mean reciprocal rank
(1 / the rank of the first expected product, 0 when none is in the first ten), then the misses.
"""

import os
import shutil
import sys
import time
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATA_DIR = Path("/tmp/xiangcun-search-quality")
FIRST = 10


def main() -> None:
    sys.path.insert(0, str(ROOT / "src"))
    sys.path.insert(0, str(ROOT))
    if not os.environ.get("DATABASE_URL"):
        shutil.rmtree(DATA_DIR, ignore_errors=True)
        DATA_DIR.mkdir(parents=True)
    os.environ.update(
        {
            "DJANGO_SETTINGS_MODULE": "xiangcun.settings",
            "XIANGCUN_DATA_DIR": str(DATA_DIR),
            "DEBUG": "0",
            "SECRET_KEY": "bench-only-not-secret",
            "ALLOWED_HOSTS": "127.0.0.1",
            "LOG_LEVEL": "WARNING",
        }
    )
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection, transaction
    from tests.catalog.search_eval import QUERIES

    from xiangcun.accounts import services as accounts_services
    from xiangcun.catalog import selectors
    from xiangcun.catalog import services as catalog_services
    from xiangcun.catalog.search.interface import reindex_all
    from xiangcun.regions import services as regions_services
    from xiangcun.sellers import services as sellers_services

    call_command("migrate", verbosity=0)
    with transaction.atomic():
        regions_services.danzhai_demo_load()
        accounts_services.roles_sync()
        sellers = sellers_services.sellers_demo_load()
        catalog_services.catalog_demo_load(sellers=sellers)
    reindex_all()
    print(f"database: {connection.vendor}; {len(QUERIES)} queries, first {FIRST} results each")
    hits: dict[str, list[bool]] = defaultdict(list)
    ranks: dict[str, list[float]] = defaultdict(list)
    misses = []
    started = time.perf_counter()
    for query, kind, names in QUERIES:
        page = selectors.products_search(query=query, page_size=FIRST)
        found = [product.name for product in page.items]
        ok = all(name in found for name in names)
        first = min((found.index(name) + 1 for name in names if name in found), default=0)
        for key in (kind, "all"):
            hits[key].append(ok)
            ranks[key].append(1 / first if first else 0.0)
        if not ok:
            misses.append((query, [n for n in names if n not in found], found))
        flag = " (relaxed)" if page.relaxed else ""
        print(f"  {'hit ' if ok else 'MISS'} {kind:<8} {query:<14} first at {first}{flag}")
    elapsed = time.perf_counter() - started
    print()
    print(f"{'kind':<9} {'queries':>7} {'hit rate':>9} {'MRR':>6}")
    for key in [*sorted(k for k in hits if k != "all"), "all"]:
        rate = sum(hits[key]) / len(hits[key])
        mrr = sum(ranks[key]) / len(ranks[key])
        print(f"{key:<9} {len(hits[key]):>7} {rate:>8.1%} {mrr:>6.3f}")
    print(f"({elapsed / len(QUERIES) * 1000:.1f} ms a query in-process, demo catalogue)")
    for query, missing, found in misses:
        print(f"MISS {query}: wanted {missing}, got {found}")


if __name__ == "__main__":
    main()
