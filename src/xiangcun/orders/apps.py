"""Carts, checkout, orders with lines per seller, their timeline, and returns."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OrdersConfig(AppConfig):
    name = "xiangcun.orders"
    label = "orders"
    verbose_name = _("Orders")

    def ready(self) -> None:
        # Payments (below us) learns of orders only through these callbacks, which it calls
        # inside the transaction that records a payment or a refund.
        from xiangcun.orders.services import payment_succeeded_handle, refund_succeeded_handle
        from xiangcun.payments.services import (
            payment_succeeded_register,
            refund_succeeded_register,
        )

        payment_succeeded_register(payment_succeeded_handle)
        refund_succeeded_register(refund_succeeded_handle)

        # Traceability (below us) finds the buyers of a recalled lot through this callback.
        from xiangcun.orders.selectors import order_numbers_visible, recall_contacts
        from xiangcun.traceability.selectors import (
            order_visibility_register,
            recall_contacts_register,
        )

        recall_contacts_register(recall_contacts)
        # ... and shows an EPCIS event's order reference only to who may see the order.
        order_visibility_register(order_numbers_visible)
