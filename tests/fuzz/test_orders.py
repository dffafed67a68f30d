"""Fuzz of the orders services: the cart, checkout (order_place with every input a form or the
API passes), cancelling, status changes, returns and payment callbacks."""

from collections.abc import Callable
from dataclasses import dataclass

import pytest
from hypothesis import strategies as st
from tests.accounts.factories import UserFactory
from tests.fuzz.driver import (
    ANY_CHARACTER,
    Target,
    decimals,
    fuzz,
    integers,
    json_values,
    texts,
)
from tests.orders.conftest import (  # noqa: F401 (fixtures)
    ADDRESS,
    buyer,
    courier,
    packer,
    pay,
    place,
    station,
    stock_keeper,
    stocked,
    warehouse,
)

from xiangcun.accounts.models import User
from xiangcun.catalog.models import Variant
from xiangcun.core.validators import NumberOutOfRangeError, UnstorableTextError
from xiangcun.orders import services as orders
from xiangcun.orders.models import Cart, Order, ReturnRequest
from xiangcun.regions.models import Station


@dataclass
class World:
    buyer: User
    agent: User
    packer: User
    stranger: User
    cart: Cart
    variant: Variant
    station: Station
    order: Order
    delivered: Order


@pytest.fixture
def world(
    buyer: User,  # noqa: F811
    agent: User,
    packer: User,  # noqa: F811
    courier: User,  # noqa: F811
    station: Station,  # noqa: F811
    stocked: Callable[..., Variant],  # noqa: F811
    place: Callable[..., Order],  # noqa: F811
    pay: Callable[[Order], Order],  # noqa: F811
) -> World:
    variant = stocked(on_hand=50)
    cart = orders.cart_for(user=buyer)
    orders.cart_add(cart=cart, variant_id=variant.pk, quantity=1)
    delivered = pay(place([(variant.pk, 2)]))
    for actor, status in ((packer, "packing"), (packer, "shipped"), (courier, "delivered")):
        orders.order_transition(actor=actor, order_id=delivered.pk, to_status=status)
    return World(
        buyer=buyer,
        agent=agent,
        packer=packer,
        stranger=UserFactory(),
        cart=cart,
        variant=variant,
        station=station,
        order=place([(variant.pk, 1)]),
        delivered=delivered,
    )


def addresses() -> st.SearchStrategy[dict[str, object]]:
    """The address form: each field as typed (or missing, or of the wrong JSON type)."""
    fields = {name: texts(value) for name, value in ADDRESS.items()}
    wrong = {name: json_values() for name in ADDRESS}
    return st.one_of(
        st.fixed_dictionaries(fields),
        st.fixed_dictionaries({}, optional={**fields, "latitude": decimals()}),
        st.fixed_dictionaries({}, optional=wrong),
        st.dictionaries(st.text(ANY_CHARACTER, max_size=10), json_values(), max_size=4),
    )


def targets(world: World) -> list[Target]:
    actors = st.sampled_from([world.buyer, world.agent, world.packer, world.stranger])
    variant_ids = st.one_of(st.just(world.variant.pk), integers())
    quantities = st.one_of(st.integers(0, 5), integers())
    order_ids = st.sampled_from([world.order.pk, world.delivered.pk])
    line_id = world.delivered.lines.get().pk
    return [
        Target(
            orders.cart_add,
            {"cart": st.just(world.cart), "variant_id": variant_ids, "quantity": quantities},
        ),
        Target(
            orders.cart_set_quantity,
            {"cart": st.just(world.cart), "variant_id": variant_ids, "quantity": quantities},
        ),
        Target(orders.cart_remove, {"cart": st.just(world.cart), "variant_id": variant_ids}),
        Target(
            orders.order_place,
            {
                "buyer": st.sampled_from([world.buyer, None]),
                "lines": st.lists(
                    st.tuples(variant_ids, st.one_of(st.integers(-1, 3), integers())),
                    max_size=3,
                ),
                "delivery_method": texts(*Order.Delivery.values),
                "station_id": st.one_of(st.none(), st.just(world.station.pk), integers()),
                "address": st.one_of(st.none(), addresses()),
                "payment_method": texts(*Order.PaymentMethod.values),
                "idempotency_key": st.one_of(st.none(), texts("checkout-7f3a")),
                "placed_by": st.sampled_from([None, world.agent]),
                "recipient": texts("王芳"),
                "phone": texts("13800138000"),
                "wechat_channel": texts("", "native", "jsapi", "h5"),
                "client_ip": texts("203.0.113.5"),
                "return_url": texts("https://example.cn/orders/"),
                "payer_openid": texts("oUpF8uMuAJO_M2pxb1Q9zNjWeS6o"),
            },
        ),
        Target(
            orders.order_cancel,
            {"actor": actors, "order_id": order_ids, "reason": texts("不想要了")},
        ),
        Target(
            orders.order_transition,
            {
                "actor": actors,
                "order_id": order_ids,
                "to_status": texts(*Order.Status.values),
                "note": texts("已打包"),
            },
        ),
        Target(
            orders.return_request,
            {
                "actor": actors,
                "order_id": order_ids,
                "lines": st.lists(
                    st.tuples(st.one_of(st.just(line_id), integers()), integers()), max_size=2
                ),
                "reason": texts(*ReturnRequest.Reason.values),
                "detail": texts("蜂蜜罐子碎了"),
            },
        ),
        Target(
            orders.order_mark_paid,
            {
                "reference": texts(f"order:{world.order.pk}"),
                "payment_number": texts(world.order.payment_number or "P1"),
                "amount": st.just(world.order.total),
            },
            narrow=("amount",),  # the payment's own amount, checked by payments
        ),
    ]


def test_order_services_refuse_bad_input_cleanly(world: World) -> None:
    answers = fuzz(targets(world))
    # Plausible arguments get past the first checks: some calls succeed.
    assert sum(outcome["ok"] for outcome in answers.values()) > 0, answers


# What the fuzz found, kept as plain examples (each failed before its fix).


def test_order_text_with_a_lone_surrogate_is_refused(world: World) -> None:
    with pytest.raises(UnstorableTextError):
        orders.order_cancel(actor=world.buyer, order_id=world.order.pk, reason="不要了\ud83d")
    with pytest.raises(UnstorableTextError):
        orders.order_place(
            buyer=world.buyer,
            lines=[(world.variant.pk, 1)],
            delivery_method="station_pickup",
            station_id=world.station.pk,
            address=None,
            payment_method="sandbox",
            idempotency_key=None,
            recipient="王\x00芳",
        )


def test_cart_ids_no_row_can_have_are_refused(world: World) -> None:
    with pytest.raises(NumberOutOfRangeError):
        orders.cart_remove(cart=world.cart, variant_id=-(2**80))
    with pytest.raises(NumberOutOfRangeError):
        orders.cart_set_quantity(cart=world.cart, variant_id=2**64, quantity=2)
