"""Time each benchmark query in-process, without HTTP: total and per SQL statement over 1 ms.

    .venv/bin/python bench/search_profile.py          # the SQLite benchmark catalogue
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/xc_bench \
        .venv/bin/python bench/search_profile.py

Uses the catalogue `search_bench.py` built (run that first; `--data-dir` as given to it).
Prints per query the median and worst of `--runs` runs of the selector the API calls
(`product_items_search`: the index search and the products as plain values), and
the median of the index search alone (`product_ids_search`: the backend's statements, no
cards), then each statement over 1 ms of the last run.
"""

import argparse
import os
import statistics
import sys
import time
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "bench"))

from search_bench import DEFAULT_DATA_DIR, SEARCHES  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data-dir", type=Path, default=DEFAULT_DATA_DIR)
    parser.add_argument("--runs", type=int, default=12)
    args = parser.parse_args()
    os.environ.update(
        {
            "DJANGO_SETTINGS_MODULE": "xiangcun.settings",
            "XIANGCUN_DATA_DIR": str(args.data_dir),
            "DEBUG": "0",
            "SECRET_KEY": "bench-only-not-secret",
            "ALLOWED_HOSTS": "127.0.0.1",
        }
    )
    import django

    django.setup()
    from django.db import connection

    from xiangcun.catalog import selectors

    statements: list[tuple[float, str]] = []

    def timed(execute: Callable[..., Any], sql: str, *args: Any) -> Any:
        started = time.perf_counter()
        try:
            return execute(sql, *args)
        finally:
            statements.append(((time.perf_counter() - started) * 1000, sql[:90]))

    aliases = {"q": "query"}
    for queries in SEARCHES.values():
        for raw in queries:
            arguments: dict[str, Any] = {aliases.get(k, k): v for k, v in raw.items()}
            for key in ("price_min", "price_max"):
                if key in arguments:
                    arguments[key] = Decimal(arguments[key])
            if "certified" in arguments:
                arguments["certified"] = arguments["certified"] == "true"
            totals: list[float] = []
            index_times: list[float] = []
            for _ in range(args.runs):
                statements.clear()
                started = time.perf_counter()
                with connection.execute_wrapper(timed):
                    page = selectors.product_ids_search(**arguments)
                index_times.append((time.perf_counter() - started) * 1000)
                statements.clear()
                started = time.perf_counter()
                with connection.execute_wrapper(timed):
                    selectors.product_items_search(**arguments)
                totals.append((time.perf_counter() - started) * 1000)
            index_ms = statistics.median(index_times)
            print(
                f"{raw!s:60} count={page.count:<6} median={statistics.median(totals):6.1f} ms "
                f"max={max(totals):6.1f} ms index={index_ms:6.1f} ms"
            )
            for ms, sql in statements:
                if ms > 1:
                    print(f"    {ms:6.1f} ms  {sql}")


if __name__ == "__main__":
    main()
