"""`{% parcel_timeline_for order %}`: the parcels of an order with their timelines, for the order
page (orders sits below logistics, so the order page asks through this tag, not its view)."""

from typing import Any

from django import template

from xiangcun.logistics.selectors import parcel_pickup_code, parcel_timeline, parcels_of_order

register = template.Library()


@register.inclusion_tag("logistics/_parcel_timeline.html", takes_context=True)
def parcel_timeline_for(context: template.Context, order: Any) -> dict[str, Any]:
    """The order page checked who may see the order; the pickup code is shown only to those
    the selector allows (the buyer, the recipient), decided on the signed-in user."""
    request = context.get("request")
    user = getattr(request, "user", None) or context.get("user")
    parcels = [
        {
            "parcel": parcel,
            "steps": parcel_timeline(parcel=parcel),
            "code": parcel_pickup_code(parcel=parcel, for_user=user) if user is not None else "",
        }
        for parcel in parcels_of_order(order_id=order.pk)
    ]
    return {"parcels": parcels}
