"""The parcels of an order with their timelines, as a part of the order page. Orders sits below
logistics, so it cannot ask for them: logistics registers `order_parcels_html` with
`orders.selectors.order_page_part_register` (in `LogisticsConfig.ready`), and the order page
shows what it gives."""

from django.template.loader import render_to_string
from django.utils.safestring import SafeString

from xiangcun.accounts.types import AnyUser
from xiangcun.logistics.selectors import (
    parcel_pickup_code,
    parcel_timeline,
    parcels_of_order,
    tracking_summary,
)


def order_parcels_html(*, order_id: int, for_user: AnyUser) -> SafeString:
    """The order page checked who may see the order; the pickup code is shown only to those
    the selector allows (the buyer, the recipient), decided on the signed-in user."""
    parcels = [
        {
            "parcel": parcel,
            "steps": parcel_timeline(parcel=parcel),
            "code": parcel_pickup_code(parcel=parcel, for_user=for_user),
            "tracking": tracking_summary(parcel=parcel),
        }
        for parcel in parcels_of_order(order_id=order_id)
    ]
    return render_to_string("logistics/_parcel_timeline.html", {"parcels": parcels})
