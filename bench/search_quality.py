"""Search quality: the evaluation set's hit rate at ten and mean reciprocal rank, on SQLite or
PostgreSQL, against the Danzhai demo among distractors and, optionally, generated products.

    .venv/bin/python bench/search_quality.py                        # demo + 3,000 distractors
    .venv/bin/python bench/search_quality.py --products 100000      # + the bench catalogue
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/xc_quality .venv/bin/python \
        bench/search_quality.py --reindex

The queries and the products each must find in its first ten are in
tests/catalog/search_eval.py (the test suite runs the same set). A hit is a query whose every
expected product is in its first ten; the reciprocal rank is 1 / the best expected product's
rank. `--reindex` rebuilds the index first (a catalogue indexed by an older version). Figures
go in docs/performance.md ("Search quality").
"""

import argparse
import os
import statistics
import sys
import time
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DATA_DIR = Path("/tmp/xiangcun-quality")


def prepare(args: argparse.Namespace) -> None:
    """Migrate; load the demo, generated products and distractors that are missing."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "xiangcun.settings")
    os.environ.setdefault("XIANGCUN_DATA_DIR", str(args.data_dir))
    os.environ.setdefault("SECRET_KEY", "bench-only-not-secret")
    os.environ.setdefault("DEBUG", "0")
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    os.environ.setdefault("TASKS_BACKEND", "immediate")
    args.data_dir.mkdir(parents=True, exist_ok=True)
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection, transaction
    from tests.catalog import search_eval

    from xiangcun.accounts import services as accounts_services
    from xiangcun.catalog import services as catalog_services
    from xiangcun.catalog.models import Product, Variant
    from xiangcun.catalog.search.interface import reindex_all
    from xiangcun.regions import services as regions_services
    from xiangcun.sellers import services as sellers_services

    print(f"database: {connection.vendor} {connection.settings_dict['NAME']}")
    call_command("migrate", verbosity=0)
    with transaction.atomic():
        regions_services.danzhai_demo_load()
        accounts_services.roles_sync()
        sellers = sellers_services.sellers_demo_load()
        catalog_services.catalog_demo_load(sellers=sellers)
    distractors = Variant.objects.filter(sku__startswith="DISTRACT-").count()
    generated = Product.objects.filter(status=Product.Status.LISTED).count() - distractors
    if args.products > generated:
        catalog_services.catalog_demo_generate(count=args.products - generated)
    if args.distractors > distractors:
        seller = next(iter(sellers.values()))
        with transaction.atomic():
            search_eval.add_distractors(
                count=args.distractors - distractors, seller_id=seller.pk, seed=distractors
            )
    if args.reindex:
        started = time.perf_counter()
        done = reindex_all()
        print(f"re-indexed {done} products in {time.perf_counter() - started:.0f} s")
    listed = Product.objects.filter(status=Product.Status.LISTED).count()
    print(f"listed products: {listed} (distractors: {max(args.distractors, distractors)})")


def run(args: argparse.Namespace) -> None:
    from django.db import connection
    from tests.catalog import search_eval

    from xiangcun.catalog import selectors

    took: list[float] = []
    # Loading jieba's dictionary and the pinyin syllables is the first search's, not timed.
    selectors.products_search(query="丹寨 hongmu", page_size=10)

    def search(text: str) -> list[str]:
        started = time.perf_counter()
        page = selectors.products_search(query=text, page_size=10)
        took.append(time.perf_counter() - started)
        return [product.name for product in page.items]

    results = search_eval.evaluate(search, same_goods=args.same_goods)
    by_kind = defaultdict(list)
    for result in results:
        by_kind[result.query.kind].append(result)
    print(f"\n{'kind':<6} {'queries':>7} {'hit@10':>7} {'MRR':>6}")
    for kind, group in by_kind.items():
        hits, mrr = search_eval.summary(group)
        print(f"{kind:<6} {len(group):>7} {hits:>7.1%} {mrr:>6.3f}")
    hits, mrr = search_eval.summary(results)
    print(f"{'all':<6} {len(results):>7} {hits:>7.1%} {mrr:>6.3f}")
    print(
        f"\n{connection.vendor}: {len(took)} searches, mean {statistics.mean(took) * 1000:.1f} ms,"
        f" max {max(took) * 1000:.1f} ms (in-process, page of 10 with the products)"
    )
    slowest = sorted(zip(took, results, strict=True), key=lambda pair: -pair[0])[:3]
    print("slowest: " + ", ".join(f"{r.query.text!r} {t * 1000:.0f} ms" for t, r in slowest))
    misses = [result for result in results if not result.hit]
    for result in misses:
        print(f"MISS {result.query.text!r} ({result.query.kind}): {result.ranks}")
    if args.verbose:
        for result in results:
            print(f"{result.query.text!r}: {result.ranks}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data-dir", type=Path, default=DEFAULT_DATA_DIR)
    parser.add_argument("--products", type=int, default=0, help="generated products wanted")
    parser.add_argument("--distractors", type=int, default=3000)
    parser.add_argument("--reindex", action="store_true", help="rebuild the index first")
    parser.add_argument("--verbose", action="store_true", help="every query's ranks")
    parser.add_argument(
        "--same-goods",
        action="store_true",
        help="a result whose name contains the expected one counts (generated catalogues)",
    )
    args = parser.parse_args()
    prepare(args)
    run(args)


if __name__ == "__main__":
    main()
