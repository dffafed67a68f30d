"""Order pages: the cart and checkout (namespace `cart`, under /cart/) and orders, the seller's
shop orders and the staff cash page (namespace `orders`, under /orders/)."""

from django.urls import path

from xiangcun.orders import views

cart_urlpatterns = [
    path("", views.cart_detail, name="detail"),
    path("add/", views.cart_add, name="add"),
    path("lines/<int:variant_id>/", views.cart_update, name="update"),
    path("lines/<int:variant_id>/remove/", views.cart_remove, name="remove"),
    path("checkout/", views.checkout, name="checkout"),
]

order_urlpatterns = [
    path("", views.order_list, name="list"),
    path("<int:order_id>/", views.order_detail, name="detail"),
    path("<int:order_id>/pay/", views.order_pay, name="pay"),
    path("<int:order_id>/pay/wechat/", views.wechat_pay, name="wechat_pay"),
    path("<int:order_id>/payment/", views.order_payment_status, name="payment_status"),
    path("<int:order_id>/cancel/", views.order_cancel, name="cancel"),
    path("<int:order_id>/return/", views.order_return, name="return"),
    path("<int:order_id>/cash/", views.cash_confirm, name="cash"),
    path("cash/", views.cash_find, name="cash_find"),
    path("shop/", views.shop_orders, name="shop"),
    path("addresses/", views.address_list, name="addresses"),
    path("addresses/new/", views.address_add, name="address_add"),
    path("addresses/<int:address_id>/", views.address_edit, name="address_edit"),
    path("addresses/<int:address_id>/delete/", views.address_delete, name="address_delete"),
    path(
        "addresses/<int:address_id>/default/",
        views.address_make_default,
        name="address_default",
    ),
    path("shop/<int:order_id>/step/", views.shop_order_step, name="shop_step"),
]

cart_urls = (cart_urlpatterns, "cart")
order_urls = (order_urlpatterns, "orders")
