"""What the order pages ask the selectors: one order as one person sees it, the cart by shop,
the seller's next step, whether cash is due, the buyer's moves, and the parts other apps add to
the order page."""

from collections.abc import Callable
from typing import Any

import pytest
from django.utils.safestring import SafeString, mark_safe

from tests.accounts.factories import UserFactory
from xiangcun.accounts.models import User
from xiangcun.catalog.models import Product, Variant
from xiangcun.orders import selectors, services
from xiangcun.orders.errors import OrderNotFoundError
from xiangcun.orders.models import CartLine, Order, OrderLine
from xiangcun.regions.models import Station

Place = Callable[..., Order]


def owner(variant: Variant) -> User:
    user: User = variant.product.seller.owner
    return user


def test_order_get_tells_each_person_what_they_see(
    stocked: Callable[..., Variant], place: Place, buyer: User, packer: User
) -> None:
    honey, batik = stocked(), stocked()
    order = place([(honey.pk, 1), (batik.pk, 2)])

    as_buyer = selectors.order_get(order_id=order.pk, for_user=buyer)
    assert (as_buyer.viewer, as_buyer.is_buyer, as_buyer.whole) == ("buyer", True, True)
    assert len(as_buyer.lines) == 2

    as_staff = selectors.order_get(order_id=order.pk, for_user=packer)
    assert (as_staff.viewer, as_staff.is_buyer, as_staff.whole) == ("staff", False, True)
    assert len(as_staff.lines) == 2

    as_seller = selectors.order_get(order_id=order.pk, for_user=owner(batik))
    assert (as_seller.viewer, as_seller.is_buyer, as_seller.whole) == ("seller", False, False)
    assert [line.variant_id for line in as_seller.lines] == [batik.pk]

    stranger: User = UserFactory()
    with pytest.raises(OrderNotFoundError):
        selectors.order_get(order_id=order.pk, for_user=stranger)


def test_cart_summary_groups_by_shop_and_counts_only_what_is_on_sale(
    stocked: Callable[..., Variant], buyer: User
) -> None:
    honey = stocked(on_hand=3, price="20.00")
    honey_again = stocked(on_hand=5, price="1.50", product=honey.product)
    batik = stocked(on_hand=5, price="88.00")
    cart = services.cart_for(user=buyer)
    services.cart_add(cart=cart, variant_id=batik.pk, quantity=1)
    services.cart_add(cart=cart, variant_id=honey.pk, quantity=3)
    services.cart_add(cart=cart, variant_id=honey_again.pk, quantity=2)
    # The cart takes no more than is left; the line grows past it when stock is sold elsewhere.
    CartLine.objects.filter(cart=cart, variant_id=honey.pk).update(quantity=4)
    Product.objects.filter(pk=batik.product_id).update(status=Product.Status.DRAFT)

    summary = selectors.cart_summary(cart=cart)

    assert [shop.seller_id for shop in summary.shops] == sorted(
        [honey.product.seller_id, batik.product.seller_id]
    )
    by_variant = {item.variant_id: item for item in summary.items}
    assert by_variant[honey.pk].available == 3  # more asked for than is left: the page says so
    assert by_variant[honey.pk].quantity == 4
    assert by_variant[batik.pk].on_sale is False
    honey_shop = next(s for s in summary.shops if s.seller_id == honey.product.seller_id)
    assert [item.variant_id for item in honey_shop.items] == [honey.pk, honey_again.pk]
    assert honey_shop.subtotal == 83  # 4 x 20.00 + 2 x 1.50
    assert summary.goods_total == 83  # the batik is no longer on sale
    assert summary.count == 7
    assert selectors.cart_summary(cart=None).items == []


def _seller_step(order: Order, seller: User) -> str:
    view = selectors.order_get(order_id=order.pk, for_user=seller)
    return selectors.order_seller_next_step(order=view.order, lines=view.lines)


def test_each_seller_is_offered_the_next_step_of_their_own_lines(
    stocked: Callable[..., Variant], place: Place, pay: Callable[[Order], Order]
) -> None:
    honey, batik = stocked(), stocked()
    order = place([(honey.pk, 1), (batik.pk, 1)])
    assert _seller_step(order, owner(honey)) == ""  # not paid yet
    pay(order)
    assert _seller_step(order, owner(honey)) == OrderLine.Fulfilment.PACKING
    services.order_transition(actor=owner(honey), order_id=order.pk, to_status="packing")
    assert _seller_step(order, owner(honey)) == OrderLine.Fulfilment.SHIPPED
    assert _seller_step(order, owner(batik)) == OrderLine.Fulfilment.PACKING
    services.order_transition(actor=owner(honey), order_id=order.pk, to_status="shipped")
    assert _seller_step(order, owner(honey)) == ""


def test_cash_is_due_until_taken_and_the_buyer_may_cancel_while_unpaid(
    stocked: Callable[..., Variant], place: Place, station: Station, courier: User
) -> None:
    order = place([(stocked().pk, 1)], payment_method="cash")
    assert selectors.order_cash_due(order=order)
    assert Order.Status.CANCELLED in selectors.order_buyer_moves(order=order)
    services.order_confirm_cash(actor=courier, order_id=order.pk, station_id=station.pk)
    order.refresh_from_db()
    assert order.status == Order.Status.PAID
    assert not selectors.order_cash_due(order=order)
    assert Order.Status.CANCELLED not in selectors.order_buyer_moves(order=order)


@pytest.fixture
def extra_part(monkeypatch: pytest.MonkeyPatch) -> list[dict[str, Any]]:
    """A part registered for one test only (the registry starts empty for it)."""
    calls: list[dict[str, Any]] = []

    def part(**arguments: Any) -> SafeString:
        calls.append(arguments)
        return mark_safe('<p class="extra">extra</p>')

    monkeypatch.setattr(selectors, "_order_page_parts", [])
    selectors.order_page_part_register(part)
    selectors.order_page_part_register(part)  # registering twice adds it once
    return calls


def test_the_order_page_shows_every_registered_part_once(
    stocked: Callable[..., Variant],
    place: Place,
    buyer: User,
    extra_part: list[dict[str, Any]],
) -> None:
    order = place([(stocked().pk, 1)])
    parts = selectors.order_page_parts(order=order, for_user=buyer)
    assert parts == ['<p class="extra">extra</p>']
    assert extra_part == [{"order_id": order.pk, "for_user": buyer}]
