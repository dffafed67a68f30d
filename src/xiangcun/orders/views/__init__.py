"""Cart, checkout and order pages (/cart/, /orders/), the seller's "orders for my shop" page
and the staff page that confirms cash, one module per group of pages.

Views parse forms and call the orders, payments and regions services and selectors; the rules
live there. Every page works without JavaScript, except paying inside WeChat's own browser,
which is WeChat's JavaScript bridge or nothing.
"""

from xiangcun.orders.views.addresses import (
    address_add,
    address_delete,
    address_edit,
    address_list,
    address_make_default,
)
from xiangcun.orders.views.buyer import order_cancel, order_detail, order_list, order_return
from xiangcun.orders.views.cart import cart_add, cart_detail, cart_remove, cart_update
from xiangcun.orders.views.cash import cash_confirm, cash_find
from xiangcun.orders.views.checkout import checkout
from xiangcun.orders.views.payment import (
    order_pay,
    order_payment_status,
    wechat_channel_for,
    wechat_pay,
)
from xiangcun.orders.views.seller import shop_order_step, shop_orders

__all__ = [
    "address_add",
    "address_delete",
    "address_edit",
    "address_list",
    "address_make_default",
    "cart_add",
    "cart_detail",
    "cart_remove",
    "cart_update",
    "cash_confirm",
    "cash_find",
    "checkout",
    "order_cancel",
    "order_detail",
    "order_list",
    "order_pay",
    "order_payment_status",
    "order_return",
    "shop_order_step",
    "shop_orders",
    "wechat_channel_for",
    "wechat_pay",
]
