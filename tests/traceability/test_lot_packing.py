"""A harvest is stock: a lot recorded in the farmer's own unit is packed into the product's
pack sizes, one EPCIS TransformationEvent per packing, and the packs go on hand at the farm
with the lot attached."""

import datetime
import threading
from decimal import Decimal

import pytest
from django.db import connection, connections
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from tests.catalog.factories import VariantFactory
from tests.sellers.factories import SellerFactory
from xiangcun.accounts.models import User
from xiangcun.catalog.models import Variant
from xiangcun.inventory.models import Location, Stock, StockLot
from xiangcun.traceability import services
from xiangcun.traceability.errors import (
    InvalidLotPackError,
    LotOverpackedError,
    LotPermissionError,
)
from xiangcun.traceability.models import Event, Lot, LotPack
from xiangcun.traceability.selectors import lot_by_code, lot_journey, lot_pack_options


@pytest.fixture
def rice(db: None) -> tuple[Variant, Variant]:
    """Selenium-rich rice in 5 斤 bags and 10 kg bags, from a farm in its village."""
    farm = SellerFactory(name="排调镇稻香合作社", owner__name="杨光明")
    bag5 = VariantFactory(
        product__seller=farm,
        product__name="丹寨硒锌米",
        product__origin_village=farm.village,
        sku="T-RICE-5J",
        name="5斤装",
        unit=Variant.Unit.BAG,
        net_weight_g=2500,
        price=Decimal("32.00"),
    )
    bag10 = VariantFactory(
        product=bag5.product,
        sku="T-RICE-10KG",
        name="10公斤装",
        unit=Variant.Unit.BAG,
        net_weight_g=10000,
        price=Decimal("118.00"),
    )
    return bag5, bag10


@pytest.fixture
def rice_farmer(rice: tuple[Variant, Variant]) -> User:
    owner: User = rice[0].product.seller.owner
    return owner


@pytest.fixture
def harvest(rice: tuple[Variant, Variant], rice_farmer: User) -> Lot:
    """120 斤 of rice, no pack size."""
    return services.lot_record(
        actor=rice_farmer,
        product_id=rice[0].product_id,
        seller_id=rice[0].product.seller_id,
        harvested_on=timezone.localdate() - datetime.timedelta(days=1),
        quantity=Decimal("120"),
        unit="jin",
        farmer_consents_to_publish=True,
    )


def test_a_harvest_is_recorded_in_the_farmers_unit_without_a_pack_size(harvest: Lot) -> None:
    assert (harvest.quantity, harvest.unit, harvest.variant_id) == (Decimal(120), "jin", None)


def test_packing_a_harvest_adds_both_pack_sizes_to_the_farms_stock_with_the_lot(
    harvest: Lot, rice: tuple[Variant, Variant], rice_farmer: User
) -> None:
    bag5, bag10 = rice
    rows = services.lot_pack(actor=rice_farmer, lot_id=harvest.pk, packs={bag5.pk: 16, bag10.pk: 2})

    assert [(row.variant_id, row.count, row.lot_quantity) for row in rows] == [
        (bag5.pk, 16, Decimal(80)),
        (bag10.pk, 2, Decimal(40)),
    ]
    farm = Location.objects.get(seller_id=harvest.seller_id, kind=Location.Kind.FARM)
    for variant, count in ((bag5, 16), (bag10, 2)):
        stock = Stock.objects.get(variant=variant, location=farm)
        assert stock.on_hand == count
        lot_row = StockLot.objects.get(stock=stock)
        assert (lot_row.lot_id, lot_row.on_hand, lot_row.harvested_on) == (
            harvest.pk,
            count,
            harvest.harvested_on,
        )
    event = Event.objects.get(lot=harvest, event_type="TransformationEvent")
    assert event.data["inputQuantityList"][0]["quantity"] == 60  # 120 斤 = 60 kg
    assert event.data["inputQuantityList"][0]["uom"] == "KGM"
    assert sorted(item["quantity"] for item in event.data["outputQuantityList"]) == [2, 16]
    assert "creating_class_instance" in [step.biz_step for step in lot_journey(lot=harvest)]
    options = {option.variant_id: option for option in lot_pack_options(lot=harvest)}
    assert (options[bag5.pk].packed, options[bag5.pk].per_pack) == (16, Decimal("5"))


def test_a_pack_label_with_its_own_gtin_opens_the_harvests_trace_page(
    harvest: Lot, rice: tuple[Variant, Variant], rice_farmer: User
) -> None:
    from xiangcun.traceability.selectors import gtin_for_variant

    services.lot_pack(actor=rice_farmer, lot_id=harvest.pk, packs={rice[1].pk: 1})
    gtin = gtin_for_variant(variant_id=rice[1].pk)
    assert gtin != harvest.gtin
    assert lot_by_code(gtin=gtin, code=harvest.code) == harvest


def test_packs_cannot_take_more_than_what_remains_of_the_harvest(
    harvest: Lot, rice: tuple[Variant, Variant], rice_farmer: User
) -> None:
    bag5, bag10 = rice
    services.lot_pack(actor=rice_farmer, lot_id=harvest.pk, packs={bag10.pk: 2})  # 40 斤
    with pytest.raises(LotOverpackedError) as refused:
        services.lot_pack(actor=rice_farmer, lot_id=harvest.pk, packs={bag5.pk: 17})  # 85 斤
    assert refused.value.code == "lot_overpacked"
    assert refused.value.details == {"remaining": "80"}
    assert not Stock.objects.filter(variant=bag5).exists()
    assert LotPack.objects.filter(lot=harvest).count() == 1


def test_a_pack_size_that_does_not_convert_is_recorded_but_counts_against_nothing(
    harvest: Lot, rice: tuple[Variant, Variant], rice_farmer: User
) -> None:
    gift = VariantFactory(product=rice[0].product, sku="T-RICE-GIFT", unit=Variant.Unit.BOX)
    rows = services.lot_pack(actor=rice_farmer, lot_id=harvest.pk, packs={gift.pk: 3})
    assert (rows[0].count, rows[0].lot_quantity) == (3, None)
    services.lot_pack(actor=rice_farmer, lot_id=harvest.pk, packs={rice[1].pk: 6})  # all 120 斤


@pytest.mark.parametrize(
    "packs", [{}, {1: -1}, {"x": 2}, {1: True}, {1: 2.5}, [], {1: 0}, {2**70: 1}]
)
def test_a_packing_that_is_not_whole_numbers_of_known_sizes_is_refused(
    harvest: Lot, rice_farmer: User, packs: object
) -> None:
    with pytest.raises(InvalidLotPackError):
        services.lot_pack(actor=rice_farmer, lot_id=harvest.pk, packs=packs)  # type: ignore[arg-type]
    assert not LotPack.objects.exists()


def test_a_pack_size_of_another_product_or_another_farm_is_refused(
    harvest: Lot, rice_farmer: User, stranger: User
) -> None:
    honey = VariantFactory()
    with pytest.raises(InvalidLotPackError):
        services.lot_pack(actor=rice_farmer, lot_id=harvest.pk, packs={honey.pk: 1})
    with pytest.raises(LotPermissionError):
        services.lot_pack(actor=stranger, lot_id=harvest.pk, packs={honey.pk: 1})
    assert not Stock.objects.exists()


@pytest.mark.postgres
def test_two_packings_racing_for_the_last_of_a_harvest_take_it_once(
    transactional_db: None,
) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL row locks")
    farm = SellerFactory()
    bag = VariantFactory(product__seller=farm, unit=Variant.Unit.BAG, net_weight_g=5000)
    lot = services.lot_record(
        actor=farm.owner,
        product_id=bag.product_id,
        seller_id=farm.pk,
        harvested_on=timezone.localdate(),
        quantity=Decimal("30"),
        unit="kg",
    )
    start = threading.Barrier(2)
    outcomes: list[str] = []

    def pack() -> None:
        try:
            start.wait()
            try:
                services.lot_pack(actor=farm.owner, lot_id=lot.pk, packs={bag.pk: 4})  # 20 kg
                outcomes.append("packed")
            except LotOverpackedError as error:
                outcomes.append(error.code)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=pack) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["lot_overpacked", "packed"]
    assert Stock.objects.get(variant=bag).on_hand == 4
    assert StockLot.objects.get(lot_id=lot.pk).on_hand == 4


# --- the pack page -------------------------------------------------------------------------


def _client(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_the_farmer_packs_a_harvest_from_the_pack_page_one_number_per_size(
    harvest: Lot, rice: tuple[Variant, Variant], rice_farmer: User
) -> None:
    bag5, bag10 = rice
    client = _client(rice_farmer)
    url = reverse("traceability:pack", kwargs={"lot_id": harvest.pk})
    page = client.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "5斤装" in page or "5 jin" in page
    assert "120 jin" in page

    response = client.post(url, {f"pack_{bag5.pk}": "16", f"pack_{bag10.pk}": "2"})

    assert response.status_code == 302
    assert Stock.objects.get(variant=bag5).on_hand == 16
    lot_page = client.get(response["Location"], HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Left to pack: 0 jin" in lot_page


@pytest.mark.parametrize("typed", ["40", "abc", "-1", "1" * 30])
def test_a_pack_form_with_mistakes_is_shown_again_with_the_error(
    harvest: Lot, rice: tuple[Variant, Variant], rice_farmer: User, typed: str
) -> None:
    url = reverse("traceability:pack", kwargs={"lot_id": harvest.pk})
    response = _client(rice_farmer).post(
        url, {f"pack_{rice[1].pk}": typed}, HTTP_ACCEPT_LANGUAGE="en"
    )
    assert response.status_code == 200
    assert "field-error" in response.content.decode() or "errorlist" in response.content.decode()
    assert not LotPack.objects.exists()


def test_someone_else_cannot_open_a_farms_pack_page(harvest: Lot, stranger: User) -> None:
    url = reverse("traceability:pack", kwargs={"lot_id": harvest.pk})
    assert _client(stranger).get(url).status_code == 403
