"""Receiving, counting and moving stock: every change recorded, never below zero."""

import pytest
from django.db import IntegrityError, transaction
from django.db.models import F

from tests.accounts.factories import UserFactory
from tests.catalog.factories import VariantFactory
from tests.inventory.factories import LocationFactory
from tests.sellers.factories import SellerFactory
from xiangcun.accounts.models import User
from xiangcun.accounts.services import role_grant
from xiangcun.accounts.types import Role
from xiangcun.catalog.models import Variant
from xiangcun.inventory import selectors, services
from xiangcun.inventory.errors import (
    InsufficientStockError,
    InvalidLocationError,
    InvalidQuantityError,
    LocationNotForSellerError,
    StockBelowReservedError,
    StockPermissionDeniedError,
    VariantNotFoundError,
)
from xiangcun.inventory.models import Location, Stock, StockMovement

pytestmark = pytest.mark.django_db


def _movements(stock: Stock) -> list[tuple[str, int, int]]:
    return [
        (m.reason, m.quantity, m.on_hand_after)
        for m in StockMovement.objects.filter(stock=stock).order_by("id")
    ]


def test_receive_and_count_are_recorded_with_on_hand_after(
    variant: Variant, farm: Location, owner: User
) -> None:
    services.stock_receive(actor=owner, variant_id=variant.pk, location_id=farm.pk, quantity=10)
    services.stock_receive(
        actor=owner, variant_id=variant.pk, location_id=farm.pk, quantity=5, note="2nd pick"
    )
    stock = services.stock_adjust(
        actor=owner, variant_id=variant.pk, location_id=farm.pk, counted=12
    )

    assert stock.on_hand == 12
    assert Stock.objects.get(pk=stock.pk).on_hand == 12
    assert _movements(stock) == [("receive", 10, 10), ("receive", 5, 15), ("adjust", -3, 12)]
    assert StockMovement.objects.filter(stock=stock, actor=owner).count() == 3


def test_count_equal_to_on_hand_records_nothing(
    variant: Variant, farm: Location, owner: User
) -> None:
    services.stock_receive(actor=owner, variant_id=variant.pk, location_id=farm.pk, quantity=4)
    stock = services.stock_adjust(
        actor=owner, variant_id=variant.pk, location_id=farm.pk, counted=4
    )
    assert len(_movements(stock)) == 1


@pytest.mark.parametrize("quantity", [0, -1, True, 2.5])
def test_receiving_a_non_positive_or_fractional_quantity_is_refused(
    variant: Variant, farm: Location, owner: User, quantity: object
) -> None:
    with pytest.raises(InvalidQuantityError) as caught:
        services.stock_receive(
            actor=owner,
            variant_id=variant.pk,
            location_id=farm.pk,
            quantity=quantity,  # type: ignore[arg-type]  # wrong on purpose
        )
    assert caught.value.code == "invalid_quantity"
    assert not StockMovement.objects.exists()


def test_count_below_zero_is_refused(variant: Variant, farm: Location, owner: User) -> None:
    with pytest.raises(InvalidQuantityError):
        services.stock_adjust(actor=owner, variant_id=variant.pk, location_id=farm.pk, counted=-1)


def test_count_below_what_orders_hold_is_refused(
    variant: Variant, farm: Location, owner: User
) -> None:
    services.stock_receive(actor=owner, variant_id=variant.pk, location_id=farm.pk, quantity=5)
    services.stock_reserve(lines=[(variant.pk, 3)], reference="order-1")

    with pytest.raises(StockBelowReservedError) as caught:
        services.stock_adjust(actor=owner, variant_id=variant.pk, location_id=farm.pk, counted=2)

    assert caught.value.status == 409
    assert Stock.objects.get(variant=variant).on_hand == 5


def test_transfer_moves_only_free_units(
    variant: Variant, warehouse: Location, keeper: User
) -> None:
    shop = LocationFactory(kind=Location.Kind.COUNTY_SHOP, sells_over_counter=True)
    services.stock_receive(
        actor=keeper, variant_id=variant.pk, location_id=warehouse.pk, quantity=8
    )
    services.stock_reserve(lines=[(variant.pk, 5)], reference="order-1")

    with pytest.raises(InsufficientStockError) as caught:
        services.stock_transfer(
            actor=keeper,
            variant_id=variant.pk,
            from_location_id=warehouse.pk,
            to_location_id=shop.pk,
            quantity=4,
        )
    assert caught.value.details == {"variant_id": variant.pk, "requested": 4, "available": 3}

    source, target = services.stock_transfer(
        actor=keeper,
        variant_id=variant.pk,
        from_location_id=warehouse.pk,
        to_location_id=shop.pk,
        quantity=3,
    )
    assert (source.on_hand, source.reserved, target.on_hand) == (5, 5, 3)
    assert _movements(target) == [("transfer_in", 3, 3)]
    assert _movements(source)[-1] == ("transfer_out", -3, 5)


def test_database_refuses_negative_on_hand(variant: Variant, farm: Location, owner: User) -> None:
    stock = services.stock_receive(
        actor=owner, variant_id=variant.pk, location_id=farm.pk, quantity=1
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        Stock.objects.filter(pk=stock.pk).update(on_hand=F("on_hand") - 2)
    assert Stock.objects.get(pk=stock.pk).on_hand == 1


def test_database_refuses_reserving_more_than_on_hand(
    variant: Variant, farm: Location, owner: User
) -> None:
    stock = services.stock_receive(
        actor=owner, variant_id=variant.pk, location_id=farm.pk, quantity=1
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        Stock.objects.filter(pk=stock.pk).update(reserved=2)


def test_another_seller_cannot_change_this_stock(variant: Variant, farm: Location) -> None:
    stranger = SellerFactory().owner
    with pytest.raises(StockPermissionDeniedError) as caught:
        services.stock_receive(
            actor=stranger, variant_id=variant.pk, location_id=farm.pk, quantity=1
        )
    assert caught.value.code == "permission_denied"
    assert not Stock.objects.exists()


def test_agent_may_record_a_local_farmers_harvest(variant: Variant, farm: Location) -> None:
    agent = UserFactory()
    role_grant(user=agent, role=Role.AGENT)

    stock = services.stock_receive(
        actor=agent, variant_id=variant.pk, location_id=farm.pk, quantity=6
    )
    assert stock.on_hand == 6


def test_seller_counts_only_at_their_own_location(
    variant: Variant, warehouse: Location, owner: User
) -> None:
    with pytest.raises(StockPermissionDeniedError):
        services.stock_receive(
            actor=owner, variant_id=variant.pk, location_id=warehouse.pk, quantity=1
        )
    other_farm = services.location_for_seller(seller_id=SellerFactory().pk)
    with pytest.raises(LocationNotForSellerError):
        services.stock_receive(
            actor=owner, variant_id=variant.pk, location_id=other_farm.pk, quantity=1
        )


def test_unknown_variant_is_variant_not_found(warehouse: Location, keeper: User) -> None:
    with pytest.raises(VariantNotFoundError):
        services.stock_receive(
            actor=keeper, variant_id=999_999, location_id=warehouse.pk, quantity=1
        )


def test_only_shops_and_centres_sell_over_the_counter(db: None) -> None:
    store = services.location_create(
        kind="service_centre", code="SC-1", name="服务中心", sells_over_counter=True
    )
    with pytest.raises(InvalidLocationError):
        services.location_create(
            kind="warehouse", code="WH-1", name="仓库", sells_over_counter=True
        )
    assert selectors.locations_list(sells_over_counter=True) == [store]


def test_available_ignores_closed_locations(variant: Variant, keeper: User) -> None:
    open_place, closed = LocationFactory(), LocationFactory()
    for place in (open_place, closed):
        services.stock_receive(
            actor=keeper, variant_id=variant.pk, location_id=place.pk, quantity=4
        )
    Location.objects.filter(pk=closed.pk).update(is_active=False)
    services.stock_reserve(lines=[(variant.pk, 1)], reference="order-1")
    unstocked = VariantFactory()

    assert selectors.available_by_variant(variant_ids=[variant.pk, unstocked.pk]) == {
        variant.pk: 3,
        unstocked.pk: 0,
    }


def test_low_stock_lists_items_at_or_below_threshold(
    variant: Variant, farm: Location, owner: User
) -> None:
    services.stock_receive(actor=owner, variant_id=variant.pk, location_id=farm.pk, quantity=5)
    services.stock_threshold_set(
        actor=owner, variant_id=variant.pk, location_id=farm.pk, threshold=3
    )
    assert selectors.low_stock_list() == []

    services.stock_reserve(lines=[(variant.pk, 2)], reference="order-1")
    items = selectors.low_stock_list(seller_id=variant.product.seller_id)

    assert [(i.variant_id, i.available, i.threshold) for i in items] == [(variant.pk, 3, 3)]
    assert selectors.low_stock_list(seller_id=SellerFactory().pk) == []


def test_catalog_asks_inventory_for_availability(
    variant: Variant, farm: Location, owner: User
) -> None:
    from xiangcun.catalog.selectors import variant_availability

    services.stock_receive(actor=owner, variant_id=variant.pk, location_id=farm.pk, quantity=3)
    assert variant_availability(variant_ids=[variant.pk]) == {variant.pk: 3}
