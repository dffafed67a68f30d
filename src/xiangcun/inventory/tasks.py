"""Background tasks of the inventory app: ending lapsed holds and low-stock alerts.

Run `reservations_expire` every minute or so (cron or a scheduler calling `.enqueue()`), and
`low_stock_notify` once a day.
"""

from collections import defaultdict
from collections.abc import Mapping
from typing import Any

from django.utils.translation import ngettext
from django_tasks import task

from xiangcun.accounts.services import sms_queue
from xiangcun.inventory import selectors, services
from xiangcun.sellers.selectors import seller_get

# The kind of text (accounts.sms) that tells a seller their stock runs low.
LOW_STOCK_SMS = "inventory.low_stock"


def low_stock_sms(phone: str, params: Mapping[str, Any]) -> str:
    """The low-stock text, written when it is sent, in the seller's language."""
    count = int(params["count"])
    return ngettext(
        "%(shop)s: %(count)d item is running low. Restock it in your shop console.",
        "%(shop)s: %(count)d items are running low. Restock them in your shop console.",
        count,
    ) % {"shop": params["shop"], "count": count}


@task()
def reservations_expire() -> int:
    """End every reservation past its expiry; returns how many ended."""
    return services.reservations_expire()


@task()
def low_stock_notify(seller_id: int | None = None) -> list[dict[str, Any]]:
    """Text each seller with stock at or below its alert threshold; returns the low items."""
    items = selectors.low_stock_list(seller_id=seller_id)
    per_seller: dict[int, int] = defaultdict(int)
    for item in items:
        per_seller[item.seller_id] += 1
    for low_seller_id, count in sorted(per_seller.items()):
        seller = seller_get(seller_id=low_seller_id)
        phone = seller.phone or getattr(seller.owner, "phone", "")
        if not phone:
            continue
        sms_queue(phone=phone, kind=LOW_STOCK_SMS, params={"shop": seller.name, "count": count})
    return [
        {
            "stock_id": item.stock_id,
            "variant_id": item.variant_id,
            "location_id": item.location_id,
            "seller_id": item.seller_id,
            "available": item.available,
            "threshold": item.threshold,
        }
        for item in items
    ]
