"""`{% parcel_timeline order %}`: the parcels of an order with their timelines, for the order
page (orders sits below logistics, so the order page asks through this tag, not its view)."""

from typing import Any

from django import template

from xiangcun.logistics.selectors import parcel_pickup_code, parcel_timeline, parcels_of_order

register = template.Library()


@register.inclusion_tag("logistics/_parcel_timeline.html")
def parcel_timeline_for(order: Any) -> dict[str, Any]:
    """The order page checked who may see the order; the pickup code only goes to its buyer."""
    is_buyer = getattr(order, "viewer", "") == "buyer"
    parcels = [
        {
            "parcel": parcel,
            "steps": parcel_timeline(parcel=parcel),
            "code": parcel_pickup_code(parcel=parcel) if is_buyer else "",
        }
        for parcel in parcels_of_order(order_id=order.pk)
    ]
    return {"parcels": parcels}
