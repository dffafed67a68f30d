"""Keep a database busy for the backup tests: `python -m tests.ops.writer <stop-file> [migrate]`.

Migrates the database first if asked (one process start fewer: each costs seconds), builds a
small shop, then places orders (most paid, some cancelled) one after another until
the stop file appears or 400 orders are placed, printing the running count after each, so a
backup taken meanwhile is taken under writes. Uses whatever database the environment names.
"""

import os
import sys
from pathlib import Path


def main(stop_file: Path, *, migrate: bool) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "xiangcun.settings")
    import django

    django.setup()
    if migrate:
        from django.core.management import call_command

        call_command("migrate", interactive=False, verbosity=0)
    from tests.ops.world import order_pay, order_place, shop_build
    from xiangcun.orders import services as orders

    shop = shop_build(variants=3, on_hand=100_000)
    placed = 0
    while not stop_file.exists() and placed < 400:
        variant = shop.variants[placed % len(shop.variants)].pk
        order = order_place(shop, [(variant, 1 + placed % 3)])
        if placed % 4 == 3:
            orders.order_cancel(actor=shop.buyers[0], order_id=order.pk)
        else:
            order_pay(order)
        placed += 1
        sys.stdout.write(f"{placed}\n")
        sys.stdout.flush()


if __name__ == "__main__":
    main(Path(sys.argv[1]), migrate=sys.argv[2:] == ["migrate"])
