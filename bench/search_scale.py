"""Grow a benchmark catalogue N-fold by copying its listed products in SQL, search rows included.

    .venv/bin/python bench/search_scale.py --data-dir /tmp/xc-bench-index1m --factor 10
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/xc_bench_idx1m \
        .venv/bin/python bench/search_scale.py --factor 10

Generating a million products through `catalog_demo_generate` (the ORM, jieba for each one)
takes hours on the benchmark machine; copying the 100,000 that `search_bench.py` generated, with
their variants and their search rows (terms unchanged, ids shifted), takes minutes. Each term
then has ten times the products, as if the county had ten times the shops selling the same
goods. The time it takes is the engines' own cost of indexing the copied rows (FTS5 through the
triggers; on PostgreSQL the GIN index is dropped and built again after the copy, as a bulk
load would). Then run `search_bench.py --skip-prepare` on the grown catalogue.
"""

import argparse
import importlib
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "bench"))

from search_bench import DEFAULT_DATA_DIR, _environment, index_size  # noqa: E402

# The full-text index as the migrations now make it: the GIN expression index (PostgreSQL)
# and the FTS5 table with its facets column and triggers (SQLite).
GIN_MIGRATION = "xiangcun.catalog.migrations.0008_search_text_bands_fewer_indexes"
FTS_MIGRATION = "xiangcun.catalog.migrations.0009_search_facets_in_full_text"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--factor", type=int, default=10)
    parser.add_argument("--data-dir", type=Path, default=DEFAULT_DATA_DIR)
    parser.add_argument(
        "--recreate-fts",
        action="store_true",
        help="SQLite: first drop the FTS5 table and make it again as migration 0009 makes it",
    )
    args = parser.parse_args()
    os.environ.update(_environment(args))
    import django

    django.setup()
    from django.db import connection, transaction

    from xiangcun.catalog.models import Product, SearchRow, Variant
    from xiangcun.catalog.search.interface import search_backend

    postgres = connection.vendor == "postgresql"
    products = Product._meta.db_table
    variants = Variant._meta.db_table
    rows = SearchRow._meta.db_table
    product_columns = [f.column for f in Product._meta.concrete_fields if f.column != "id"]
    variant_columns = [
        f.column for f in Variant._meta.concrete_fields if f.column not in ("id", "product_id")
    ]
    row_columns = [f.column for f in SearchRow._meta.concrete_fields if f.column != "product_id"]
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT MAX(id) FROM {products}")
        last_product = cursor.fetchone()[0]
        cursor.execute(f"SELECT MAX(id) FROM {variants}")
        last_variant = cursor.fetchone()[0]
    step = 10 ** len(str(last_product))
    variant_step = 10 ** len(str(last_variant))
    print(f"database: {connection.vendor}; products up to id {last_product}, copies {args.factor}")
    if args.recreate_fts and not postgres:
        with connection.cursor() as cursor:
            for statement in importlib.import_module(FTS_MIGRATION).FORWARD:
                cursor.execute(statement)
        print("FTS5 table made again as migration 0009 makes it")
        index_size(Product.objects.filter(status=Product.Status.LISTED).count())
    started = time.perf_counter()
    if postgres:
        with connection.cursor() as cursor:
            cursor.execute("DROP INDEX IF EXISTS catalog_search_gin")
    for copy in range(1, args.factor):
        shift, variant_shift = copy * step, copy * variant_step
        cols = ", ".join(product_columns)
        vcols = ", ".join(variant_columns)
        vsel = ", ".join(
            f"v.sku || '-{copy}'" if column == "sku" else f"v.{column}"
            for column in variant_columns
        )
        rcols = ", ".join(row_columns)
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(
                f"INSERT INTO {products} (id, {cols}) SELECT id + %s, {cols} FROM {products} "
                "WHERE id <= %s AND status = 'listed'",
                [shift, last_product],
            )
            cursor.execute(
                f"INSERT INTO {variants} (id, product_id, {vcols}) SELECT v.id + %s, "
                f"v.product_id + %s, {vsel} FROM {variants} v JOIN {products} p "
                "ON p.id = v.product_id WHERE p.id <= %s AND p.status = 'listed'",
                [variant_shift, shift, last_product],
            )
            cursor.execute(
                f"INSERT INTO {rows} (product_id, {rcols}) SELECT product_id + %s, {rcols} "
                f"FROM {rows} WHERE product_id <= %s",
                [shift, last_product],
            )
        print(f"copy {copy}: {time.perf_counter() - started:.0f} s", flush=True)
    if postgres:
        with connection.cursor() as cursor:
            gin_started = time.perf_counter()
            cursor.execute(importlib.import_module(GIN_MIGRATION).POSTGRES_FORWARD[-1])
            print(f"GIN index built in {time.perf_counter() - gin_started:.0f} s")
            for table in (products, variants):
                cursor.execute(
                    f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                    f"(SELECT MAX(id) FROM {table}))"
                )
    search_backend().optimize()
    with connection.cursor() as cursor:
        if postgres:
            cursor.execute("VACUUM ANALYZE")
        else:
            cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    print(f"grown in {time.perf_counter() - started:.0f} s (optimize and VACUUM included)")
    index_size(Product.objects.filter(status=Product.Status.LISTED).count())


if __name__ == "__main__":
    main()
