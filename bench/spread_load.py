"""Spread load against a real server: many buyers across many variants (little contention).

Same set-up as flash_sale.py (fresh PostgreSQL database, gunicorn from .venv on a free port);
each buyer orders 1-3 random variants, 1-2 units each, with plenty of stock, so the figure is
the checkout's own cost rather than the queue on one stock row.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres \
        .venv/bin/python bench/spread_load.py --buyers 500 --variants 200 --concurrency 32
"""

import random
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from flash_sale import (
    CHECK,
    SETUP,
    arguments,
    fire,
    fresh_database,
    gunicorn,
    report,
    run_django,
    server_environment,
    warm_up,
)


def main() -> None:
    options = arguments(__doc__.splitlines()[0], buyers=500, units=1000, variants=200)
    chooser = random.Random(2016)
    with fresh_database("xc_spread", options.keep) as url:
        environment = server_environment(url)
        data = run_django(
            environment,
            SETUP.format(variants=options.variants, units=options.units, buyers=options.buyers),
        )
        jobs = []
        for token in data["tokens"]:
            chosen = chooser.sample(data["variants"], k=chooser.randint(1, 3))
            body = {
                "lines": [{"variant": v, "quantity": chooser.randint(1, 2)} for v in chosen],
                "delivery": {"method": "station_pickup", "station": data["station"]},
                "payment_method": "sandbox",
            }
            jobs.append((token, body))
        with gunicorn(environment, workers=options.workers, threads=options.threads) as port:
            warm_up(port, data["tokens"][0], options.workers * options.threads * 2)
            results, wall = fire(port, jobs, options.concurrency)
        check = run_django(environment, CHECK)
        report(
            f"spread load: {options.buyers} buyers over {options.variants} variants, "
            f"{options.concurrency} client threads, {options.workers}x{options.threads} gunicorn",
            results,
            wall,
            check,
            options.units * options.variants,
        )


if __name__ == "__main__":
    main()
