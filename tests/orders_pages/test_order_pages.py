"""Cart, checkout and order pages: what a buyer, a seller and a courier see and can do."""

import re
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from tests.accounts.factories import PASSWORD, UserFactory
from tests.orders_pages.conftest import Shop
from tests.regions.factories import TownshipFactory, VillageFactory
from xiangcun.accounts.services import role_grant
from xiangcun.accounts.types import Role
from xiangcun.orders import services as orders
from xiangcun.orders.models import Order
from xiangcun.payments.services import sandbox_decide

EN = {"HTTP_ACCEPT_LANGUAGE": "en"}


def place(shop: Shop, *, payment: str = "cash", buyer: Any = None, lines: Any = None) -> Order:
    return orders.order_place(
        buyer=buyer or shop.buyer,
        lines=lines or [(shop.honey_variant, 1)],
        delivery_method="station_pickup",
        station_id=shop.station.pk,
        address=None,
        payment_method=payment,
        idempotency_key=None,
        recipient="张大姐",
        phone="13912340001",
    )


def checkout_data(client: Client, **values: str) -> dict[str, str]:
    """The checkout form as the page draws it (with its key), changed by `values`."""
    html = client.get("/cart/checkout/").content.decode()
    key = re.search(r'name="idempotency_key" value="([0-9a-f]+)"', html)
    assert key, "the checkout page carries a hidden idempotency key"
    data = {
        "idempotency_key": key.group(1),
        "province": "贵州省",
        "city": "黔东南苗族侗族自治州",
        "county": "丹寨县",
        "recipient": "张大姐",
        "phone": "13912340001",
    }
    data.update(values)
    return data


def buyer_with_honey_in_cart(client: Client, shop: Shop, quantity: int = 1) -> None:
    client.force_login(shop.buyer)
    client.post("/cart/add/", {"variant": shop.honey_variant, "quantity": quantity})


# --- cart -------------------------------------------------------------------------------------


def test_empty_cart_says_what_to_do(client: Client, shop: Shop) -> None:
    response = client.get("/cart/", **EN)
    assert response.status_code == 200
    assert 'data-testid="cart-empty"' in response.content.decode()
    assert "Go to the shop" in response.content.decode()


def test_product_page_has_an_add_to_cart_form_for_each_option_in_stock(
    client: Client, shop: Shop
) -> None:
    html = client.get(f"/shop/p/{shop.market.honey.pk}/", **EN).content.decode()
    assert 'action="/cart/add/"' in html
    assert f'name="variant" value="{shop.honey_variant}"' in html
    assert 'inputmode="numeric"' in html
    # Fertiliser has no stock: nothing to add.
    html = client.get(f"/shop/p/{shop.market.fertiliser.pk}/", **EN).content.decode()
    assert 'action="/cart/add/"' not in html


def test_guest_adds_honey_and_sees_it_under_its_shop_with_the_price(
    client: Client, shop: Shop
) -> None:
    response = client.post("/cart/add/", {"variant": shop.honey_variant, "quantity": "2"})
    assert response.status_code == 302
    assert response["Location"] == "/cart/"
    html = client.get("/cart/").content.decode()
    assert "丹寨土蜂蜜" in html
    assert "王家蜂场" in html
    assert "¥136.00" in html  # two jars at ¥68.00
    assert 'value="2"' in html


def test_cart_quantity_changes_and_removal(client: Client, shop: Shop) -> None:
    client.post("/cart/add/", {"variant": shop.honey_variant, "quantity": "1"})
    client.post(f"/cart/lines/{shop.honey_variant}/", {"quantity": "3"})
    assert "¥204.00" in client.get("/cart/").content.decode()
    client.post(f"/cart/lines/{shop.honey_variant}/remove/")
    assert 'data-testid="cart-empty"' in client.get("/cart/").content.decode()


def test_quantity_zero_takes_the_line_out(client: Client, shop: Shop) -> None:
    client.post("/cart/add/", {"variant": shop.honey_variant, "quantity": "1"})
    client.post(f"/cart/lines/{shop.honey_variant}/", {"quantity": "0"})
    assert 'data-testid="cart-empty"' in client.get("/cart/").content.decode()


def test_adding_a_product_not_on_sale_says_so_and_adds_nothing(client: Client, shop: Shop) -> None:
    response = client.post("/cart/add/", {"variant": 999999, "quantity": "1"}, follow=True, **EN)
    assert "not on sale" in response.content.decode()
    assert 'data-testid="cart-empty"' in client.get("/cart/").content.decode()


def test_guest_cart_joins_the_buyers_cart_at_login(client: Client, shop: Shop) -> None:
    client.post("/cart/add/", {"variant": shop.honey_variant, "quantity": "2"})
    response = client.post(
        "/accounts/login/", {"phone": shop.buyer.phone, "password": PASSWORD, "next": "/cart/"}
    )
    assert response.status_code == 302
    html = client.get("/cart/").content.decode()
    assert "丹寨土蜂蜜" in html
    assert 'value="2"' in html


# --- checkout ---------------------------------------------------------------------------------


def test_checkout_asks_a_guest_to_log_in_and_comes_back(client: Client, shop: Shop) -> None:
    client.post("/cart/add/", {"variant": shop.honey_variant, "quantity": "1"})
    response = client.get("/cart/checkout/")
    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=/cart/checkout/"


def test_checkout_is_prefilled_with_the_county_and_asks_for_the_phone_keyboard(
    client: Client, shop: Shop
) -> None:
    buyer_with_honey_in_cart(client, shop)
    html = client.get("/cart/checkout/", **EN).content.decode()
    assert "贵州省 黔东南苗族侗族自治州 丹寨县" in html
    assert re.search(r'<input[^>]*name="phone"[^>]*inputmode="tel"', html) or re.search(
        r'<input[^>]*inputmode="tel"[^>]*name="phone"', html
    )
    assert "卡拉村服务站" in html
    assert "丹寨县电商服务中心" in html  # the county shop
    assert "WeChat Pay" not in html  # switched off without a merchant id
    assert "¥68.00" in html


def test_wechat_pay_is_offered_only_when_switched_on(
    client: Client, shop: Shop, settings: Any
) -> None:
    settings.WECHATPAY_MCHID = "1900000109"
    buyer_with_honey_in_cart(client, shop)
    assert 'value="wechat"' in client.get("/cart/checkout/", **EN).content.decode()


def test_checkout_errors_stand_next_to_the_fields_and_keep_what_was_typed(
    client: Client, shop: Shop
) -> None:
    buyer_with_honey_in_cart(client, shop)
    data = checkout_data(
        client,
        delivery_method="home",
        payment_method="cash",
        recipient="李阿公",
        phone="12345",
        detail="",
    )
    response = client.post("/cart/checkout/", data, **EN)
    assert response.status_code == 200
    html = response.content.decode()
    assert Order.objects.count() == 0
    assert html.count('class="field field--error') >= 3  # township, detail, phone
    assert "Choose your town or township." in html
    assert "11 digits" in html
    assert 'value="李阿公"' in html
    assert 'value="12345"' in html
    assert f'value="{data["idempotency_key"]}"' in html  # the same key for the next press


def test_station_pickup_needs_a_station(client: Client, shop: Shop) -> None:
    buyer_with_honey_in_cart(client, shop)
    data = checkout_data(client, delivery_method="station_pickup", payment_method="cash")
    html = client.post("/cart/checkout/", data, **EN).content.decode()
    assert "Choose the station where you will collect the order." in html
    assert Order.objects.count() == 0


def test_cash_checkout_shows_the_order_awaiting_cash_with_what_to_do(
    client: Client, shop: Shop
) -> None:
    buyer_with_honey_in_cart(client, shop, quantity=2)
    data = checkout_data(
        client,
        delivery_method="station_pickup",
        station=str(shop.station.pk),
        payment_method="cash",
    )
    response = client.post("/cart/checkout/", data)
    order = Order.objects.get()
    assert response["Location"] == f"/orders/{order.pk}/"
    assert order.status == Order.Status.AWAITING_CASH
    assert order.total == 136
    html = client.get(response["Location"], **EN).content.decode()
    assert 'data-status="awaiting_cash"' in html
    assert 'data-testid="cash-instructions"' in html
    assert "Pay at the station when you collect your order." in html
    assert "卡拉村服务站" in html
    # The cart is empty after the order.
    assert 'data-testid="cart-empty"' in client.get("/cart/").content.decode()


def test_home_delivery_order_keeps_the_chinese_address(client: Client, shop: Shop) -> None:
    buyer_with_honey_in_cart(client, shop)
    village = shop.market.village
    data = checkout_data(
        client,
        delivery_method="home",
        township=str(village.township_id),
        village=str(village.pk),
        detail="三组12号",
        payment_method="cash",
    )
    response = client.post("/cart/checkout/", data)
    assert response.status_code == 302
    order = Order.objects.get()
    assert order.delivery_fee == 8  # ¥68 is under the free-delivery amount
    assert order.address_text == "贵州省黔东南苗族侗族自治州丹寨县兴仁镇卡拉村三组12号"
    html = client.get(f"/orders/{order.pk}/", **EN).content.decode()
    assert "Pay the courier when your order arrives." in html


def test_sandbox_checkout_goes_to_the_sandbox_page_and_back_to_the_order(
    client: Client, shop: Shop
) -> None:
    buyer_with_honey_in_cart(client, shop)
    data = checkout_data(
        client,
        delivery_method="shop_pickup",
        payment_method="sandbox",
    )
    response = client.post("/cart/checkout/", data)
    order = Order.objects.get()
    assert order.station_id == shop.county_shop.pk
    assert order.status == Order.Status.PENDING_PAYMENT
    assert response["Location"] == (
        f"/pay/sandbox/{order.payment_number}/?next=%2Forders%2F{order.pk}%2F"
    )
    html = client.get(f"/orders/{order.pk}/", **EN).content.decode()
    assert 'data-testid="pay"' in html
    assert client.post(f"/orders/{order.pk}/pay/")["Location"] == response["Location"]


def test_double_submit_with_the_same_key_makes_one_order(client: Client, shop: Shop) -> None:
    buyer_with_honey_in_cart(client, shop)
    data = checkout_data(
        client,
        delivery_method="station_pickup",
        station=str(shop.station.pk),
        payment_method="cash",
    )
    first = client.post("/cart/checkout/", data)
    second = client.post("/cart/checkout/", data)  # the cart is empty by now
    assert Order.objects.count() == 1
    order = Order.objects.get()
    assert first["Location"] == second["Location"] == f"/orders/{order.pk}/"


def test_a_retry_while_the_cart_still_holds_the_goods_answers_the_same_order(
    client: Client, shop: Shop
) -> None:
    """Two presses that both arrive before either empties the cart."""
    buyer_with_honey_in_cart(client, shop)
    data = checkout_data(
        client,
        delivery_method="station_pickup",
        station=str(shop.station.pk),
        payment_method="cash",
    )
    client.post("/cart/checkout/", data)
    client.post("/cart/add/", {"variant": shop.honey_variant, "quantity": "1"})  # same cart again
    again = client.post("/cart/checkout/", data)
    assert Order.objects.count() == 1
    assert again["Location"] == f"/orders/{Order.objects.get().pk}/"


def test_short_stock_keeps_the_form_and_writes_nothing(client: Client, shop: Shop) -> None:
    buyer_with_honey_in_cart(client, shop, quantity=25)  # all 25 jars
    place(shop, buyer=UserFactory(), lines=[(shop.honey_variant, 5)])  # someone buys 5 first
    data = checkout_data(
        client,
        delivery_method="station_pickup",
        station=str(shop.station.pk),
        payment_method="cash",
    )
    response = client.post("/cart/checkout/", data, **EN)
    assert response.status_code == 200
    assert Order.objects.count() == 1  # the other buyer's
    assert 'class="form-errors"' in response.content.decode()


# --- the buyer's orders -----------------------------------------------------------------------


def test_order_list_is_empty_at_first_and_then_lists_orders(client: Client, shop: Shop) -> None:
    client.force_login(shop.buyer)
    assert "No orders yet" in client.get("/orders/", **EN).content.decode()
    order = place(shop)
    html = client.get("/orders/", **EN).content.decode()
    assert order.number in html
    assert "¥68.00" in html


def test_order_list_is_paginated(client: Client, shop: Shop) -> None:
    for _ in range(21):
        place(shop)
    client.force_login(shop.buyer)
    html = client.get("/orders/", **EN).content.decode()
    assert html.count("data-order=") == 20
    assert "Page 1 of 2" in html
    assert client.get("/orders/?page=2").content.decode().count("data-order=") == 1


def test_a_buyer_cannot_see_another_buyers_order(client: Client, shop: Shop) -> None:
    order = place(shop)
    client.force_login(UserFactory())
    assert client.get(f"/orders/{order.pk}/").status_code == 404
    assert client.post(f"/orders/{order.pk}/cancel/").status_code == 404
    assert Order.objects.get().status == Order.Status.AWAITING_CASH


def test_order_page_shows_lines_by_shop_and_the_timeline_in_china_time(
    client: Client, shop: Shop
) -> None:
    order = place(shop, lines=[(shop.honey_variant, 1), (shop.batik_variant, 1)])
    client.force_login(shop.buyer)
    html = client.get(f"/orders/{order.pk}/").content.decode()  # zh-hans, the default
    assert "王家蜂场" in html
    assert "排调蜡染坊" in html
    assert "¥196.00" in html
    local = order.created_at.astimezone(__import__("zoneinfo").ZoneInfo("Asia/Shanghai"))
    assert f"{local.year}年{local.month}月{local.day}日 {local:%H:%M}" in html
    assert html.count('class="timeline-event"') == 1


def test_buyer_cancels_an_unpaid_order(client: Client, shop: Shop) -> None:
    order = place(shop)
    client.force_login(shop.buyer)
    client.post(f"/orders/{order.pk}/cancel/", {"reason": "买错了"})
    order.refresh_from_db()
    assert order.status == Order.Status.CANCELLED
    html = client.get(f"/orders/{order.pk}/").content.decode()
    assert 'data-status="cancelled"' in html
    assert "买错了" in html


def test_paid_sandbox_order_shows_paid_with_two_events(client: Client, shop: Shop) -> None:
    order = place(shop, payment="sandbox")
    sandbox_decide(number=order.payment_number, approve=True)
    client.force_login(shop.buyer)
    html = client.get(f"/orders/{order.pk}/").content.decode()
    assert 'class="order-status status status--paid" data-status="paid"' in html
    assert html.count('class="timeline-event"') == 2
    assert 'data-testid="pay"' not in html
    assert "/cancel/" not in html


def test_return_request_after_delivery(client: Client, shop: Shop) -> None:
    order = place(shop, payment="sandbox", lines=[(shop.honey_variant, 2)])
    sandbox_decide(number=order.payment_number, approve=True)
    orders.order_transition(actor=shop.market.farmer, order_id=order.pk, to_status="packing")
    orders.order_transition(actor=shop.market.farmer, order_id=order.pk, to_status="shipped")
    courier = UserFactory()
    role_grant(user=courier, role=Role.COURIER)
    orders.order_transition(actor=courier, order_id=order.pk, to_status="delivered")
    client.force_login(shop.buyer)
    html = client.get(f"/orders/{order.pk}/", **EN).content.decode()
    assert f"/orders/{order.pk}/return/" in html
    line = order.lines.get()
    response = client.post(f"/orders/{order.pk}/return/", {"reason": "damaged"}, **EN)
    assert "Choose how many of which goods you send back." in response.content.decode()
    client.post(
        f"/orders/{order.pk}/return/",
        {f"line_{line.pk}": "1", "reason": "damaged", "detail": "罐子碎了"},
    )
    order.refresh_from_db()
    assert order.status == Order.Status.RETURN_REQUESTED


# --- sellers and staff ------------------------------------------------------------------------


def test_a_seller_sees_only_their_own_lines(client: Client, shop: Shop) -> None:
    order = place(shop, payment="sandbox", lines=[(shop.honey_variant, 1), (shop.batik_variant, 1)])
    sandbox_decide(number=order.payment_number, approve=True)
    client.force_login(shop.market.farmer)
    html = client.get("/orders/shop/", **EN).content.decode()
    assert order.number in html
    assert "丹寨土蜂蜜" in html
    assert "苗族蜡染围巾" not in html
    page = client.get(f"/orders/{order.pk}/", **EN).content.decode()
    assert "丹寨土蜂蜜" in page
    assert "苗族蜡染围巾" not in page
    assert "¥196.00" not in page  # nor the order's total


def test_seller_marks_an_order_packing_then_shipped(client: Client, shop: Shop) -> None:
    order = place(shop, payment="sandbox")
    sandbox_decide(number=order.payment_number, approve=True)
    client.force_login(shop.market.farmer)
    assert 'data-step="packing"' in client.get("/orders/shop/").content.decode()
    client.post(f"/orders/shop/{order.pk}/step/", {"to_status": "packing"})
    assert 'data-step="shipped"' in client.get("/orders/shop/").content.decode()
    client.post(f"/orders/shop/{order.pk}/step/", {"to_status": "shipped"})
    order.refresh_from_db()
    assert order.status == Order.Status.SHIPPED
    assert "data-step=" not in client.get("/orders/shop/").content.decode()


def test_shop_orders_page_is_for_sellers_only(client: Client, shop: Shop) -> None:
    client.force_login(shop.buyer)
    assert client.get("/orders/shop/").status_code == 403


def test_another_seller_cannot_move_the_order(client: Client, shop: Shop) -> None:
    order = place(shop, payment="sandbox")
    sandbox_decide(number=order.payment_number, approve=True)
    client.force_login(shop.market.maker)  # the batik maker, not in this order
    client.post(f"/orders/shop/{order.pk}/step/", {"to_status": "packing"})
    order.refresh_from_db()
    assert order.status == Order.Status.PAID


@pytest.mark.parametrize("role", [Role.COURIER, Role.AGENT, Role.DRIVER, Role.WAREHOUSE])
def test_staff_take_cash_and_the_order_becomes_paid(client: Client, shop: Shop, role: Role) -> None:
    order = place(shop)
    staff = UserFactory()
    role_grant(user=staff, role=role)
    client.force_login(staff)
    found = client.get("/orders/cash/", {"number": order.number})
    assert found["Location"] == f"/orders/{order.pk}/cash/"
    html = client.get(found["Location"], **EN).content.decode()
    assert "¥68.00" in html
    client.post(found["Location"], {"station": shop.station.pk})
    order.refresh_from_db()
    assert order.status == Order.Status.PAID
    client.force_login(shop.buyer)
    page = client.get(f"/orders/{order.pk}/").content.decode()
    assert 'data-status="paid"' in page


def test_buyers_and_sellers_cannot_take_cash(client: Client, shop: Shop) -> None:
    order = place(shop)
    for user in (shop.buyer, shop.market.farmer):
        client.force_login(user)
        assert client.get(f"/orders/{order.pk}/cash/").status_code == 403
        assert (
            client.post(f"/orders/{order.pk}/cash/", {"station": shop.station.pk}).status_code
            == 403
        )
    order.refresh_from_db()
    assert order.status == Order.Status.AWAITING_CASH


# --- query counts -----------------------------------------------------------------------------


def queries_for(client: Client, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def test_order_list_queries_do_not_grow_with_the_orders(client: Client, shop: Shop) -> None:
    place(shop)
    client.force_login(shop.buyer)
    client.get("/orders/")  # warm the session and caches
    one = queries_for(client, "/orders/")
    for _ in range(5):
        place(shop, lines=[(shop.honey_variant, 1), (shop.batik_variant, 1)])
    assert queries_for(client, "/orders/") == one
    assert one <= 8


def test_order_page_queries_do_not_grow_with_lines_or_events(client: Client, shop: Shop) -> None:
    small = place(shop, payment="sandbox")
    big = place(shop, payment="sandbox", lines=[(shop.honey_variant, 2), (shop.batik_variant, 1)])
    for order in (small, big):
        sandbox_decide(number=order.payment_number, approve=True)
    orders.order_transition(actor=shop.market.farmer, order_id=big.pk, to_status="packing")
    client.force_login(shop.buyer)
    client.get(f"/orders/{small.pk}/")
    assert queries_for(client, f"/orders/{big.pk}/") == queries_for(client, f"/orders/{small.pk}/")
    assert queries_for(client, f"/orders/{small.pk}/") <= 12


def test_each_seller_steps_only_their_own_goods_of_a_shared_order(
    client: Client, shop: Shop
) -> None:
    order = place(shop, payment="sandbox", lines=[(shop.honey_variant, 1), (shop.batik_variant, 1)])
    sandbox_decide(number=order.payment_number, approve=True)

    client.force_login(shop.market.farmer)
    client.post(f"/orders/shop/{order.pk}/step/", {"to_status": "packing"})
    client.post(f"/orders/shop/{order.pk}/step/", {"to_status": "shipped"})
    farmer_page = client.get("/orders/shop/").content.decode()
    order.refresh_from_db()
    assert order.status == Order.Status.PACKING
    assert "data-step=" not in farmer_page

    client.force_login(shop.market.maker)
    assert 'data-step="packing"' in client.get("/orders/shop/").content.decode()
    client.post(f"/orders/shop/{order.pk}/step/", {"to_status": "packing"})
    client.post(f"/orders/shop/{order.pk}/step/", {"to_status": "shipped"})
    order.refresh_from_db()
    assert order.status == Order.Status.SHIPPED


def _village_select(html: str) -> str:
    found = re.search(r'<select name="village".*?</select>', html, re.S)
    assert found is not None
    return found.group(0)


def test_the_village_list_narrows_to_the_town_chosen(client: Client, shop: Shop) -> None:
    """Issue 17: the village list did not narrow to the chosen township. Choosing the town
    redraws the form (htmx sends action=refresh, as the no-JavaScript button does) with only
    that town's villages."""
    own = shop.market.village
    other_town = TownshipFactory(county=own.township.county, name="排调镇")
    other = VillageFactory(township=other_town, name="党早村")
    buyer_with_honey_in_cart(client, shop)
    data = checkout_data(client, delivery_method="home", payment_method="cash")
    everything = _village_select(client.get("/cart/checkout/", **EN).content.decode())
    assert own.name in everything
    assert other.name in everything
    data.update(action="refresh", township=str(own.township_id))
    html = client.post("/cart/checkout/", data, **EN).content.decode()
    narrowed = _village_select(html)
    assert f'value="{own.pk}"' in narrowed
    assert other.name not in narrowed
    assert "Show its villages" in html  # the same step without JavaScript
    assert Order.objects.count() == 0
