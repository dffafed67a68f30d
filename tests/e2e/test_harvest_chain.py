"""Issue 17's "done when", in Chromium at phone size: a farmer records a rice harvest in 斤 and
packs it into two bag sizes on the pages; a buyer orders one bag; the packer closes the box
without choosing a lot; the buyer's parcel page leads to the trace page with the farmer, the
harvest and its journey."""

from typing import Any
from urllib.parse import urlsplit

from playwright.sync_api import expect

from tests.catalog.factories import VariantFactory
from tests.e2e.phone import SCREENSHOT_DIR, fits_the_phone, log_in
from tests.logistics.factories import VillageStationFactory, WarehouseStationFactory, staff_member
from tests.sellers.factories import SellerFactory
from xiangcun.accounts.types import Role
from xiangcun.catalog.models import Variant
from xiangcun.logistics import services as logistics
from xiangcun.logistics.models import PackedLine, Parcel, StaffMember
from xiangcun.orders.services import order_place
from xiangcun.payments.services import sandbox_decide
from xiangcun.traceability.models import Lot

from .conftest import PASSWORD


def test_a_harvest_becomes_stock_and_its_parcel_traces_back_to_the_farmer(
    make_user: Any, live_server: Any, phone_page: Any
) -> None:
    page, base = phone_page, live_server.url
    farmer = make_user(Role.SELLER, name="杨光明")
    farm = SellerFactory(owner=farmer, name="排调镇稻香合作社")
    bag5 = VariantFactory(
        product__seller=farm,
        product__name="丹寨硒锌米",
        product__origin_village=farm.village,
        sku="E2E-RICE-5J",
        name="5斤装",
        unit=Variant.Unit.BAG,
        net_weight_g=2500,
    )
    bag10 = VariantFactory(
        product=bag5.product, sku="E2E-RICE-10KG", name="10公斤装", unit="bag", net_weight_g=10000
    )

    # The farmer records 120 斤 of rice, then packs 16 bags of 5 斤 and 2 of 10 kg.
    log_in(page, base, farmer.phone, PASSWORD)
    page.goto(f"{base}/trace/harvest/")
    page.locator('input[name="quantity"]').fill("120")
    page.locator('select[name="unit"]').select_option("jin")
    page.locator('input[name="consent"]').check()
    page.locator("main form button[type=submit]").click()
    expect(page.get_by_test_id("lot-remaining")).to_contain_text("120")
    fits_the_phone(page)
    page.locator(f'input[name="pack_{bag5.pk}"]').fill("16")
    page.locator(f'input[name="pack_{bag10.pk}"]').fill("2")
    page.get_by_test_id("pack-submit").click()
    expect(page.get_by_test_id("lot-packs")).to_contain_text("16")
    lot = Lot.objects.get(product=bag5.product)

    # A buyer orders one 5 斤 bag to a village station and pays.
    buyer = make_user(name="王芳")
    station = VillageStationFactory()
    order = order_place(
        buyer=buyer,
        lines=[(bag5.pk, 1)],
        delivery_method="station_pickup",
        station_id=station.pk,
        address=None,
        payment_method="sandbox",
        idempotency_key=None,
    )
    sandbox_decide(number=order.payment_number, approve=True)

    # The packer closes the box: there is no lot to choose.
    packer = staff_member(StaffMember.Job.PACKER, WarehouseStationFactory())
    packer.set_password(PASSWORD)
    packer.save(update_fields=["password"])
    task = logistics.packing_task_open(actor=packer, order_id=order.pk)
    log_in(page, base, packer.phone, PASSWORD)
    page.goto(f"{base}/logistics/packing/{task.pk}/")
    assert page.locator("main form select").count() == 0
    page.locator('input[name="weight_kg"]').fill("2.6")
    page.get_by_test_id("packed").click()
    expect(page.get_by_test_id("packed-lots")).to_contain_text(lot.code)
    parcel = Parcel.objects.get(order_id=order.pk)
    assert PackedLine.objects.get(task=task).lot_id == lot.pk

    # The buyer follows the parcel to where the rice comes from.
    log_in(page, base, buyer.phone, PASSWORD)
    page.goto(f"{base}/logistics/track/{parcel.number}/")
    link = page.get_by_test_id("parcel-trace-link")
    expect(link).to_contain_text(lot.code)
    page.goto(f"{base}{urlsplit(link.get_attribute('href') or '').path}")
    expect(page.locator("h1")).to_contain_text("丹寨硒锌米")
    expect(page.get_by_test_id("farmer")).to_have_text("杨光明")
    journey = page.get_by_test_id("journey")
    expect(journey).to_contain_text("采收")
    expect(journey.locator("li")).to_have_count(3)  # harvested, packed for sale, packed
    fits_the_phone(page)
    page.screenshot(path=str(SCREENSHOT_DIR / "harvest-chain-360.png"), full_page=True)
