"""National carriers in a real browser: the packer opens the parcel's carrier page and prints
its waybill label; the fake Kuaidi100 pushes signed tracking events to the live server; the
buyer follows the parcel on "where is my parcel" in Chinese and in English, at 360 px."""

from collections.abc import Iterator
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import PASSWORD
from tests.e2e.phone import SCREENSHOT_DIR, fits_the_phone, log_in
from tests.logistics.factories import (
    StockLocationFactory,
    VillageStationFactory,
    WarehouseStationFactory,
    packed,
    paid_order,
    stocked_variant,
    to_guangzhou,
)
from tests.logistics.kuaidi100_fake import FakeKuaidi100
from xiangcun.accounts.types import Role
from xiangcun.logistics.models import Parcel, Waybill


@pytest.fixture
def kuaidi100_live(live_server: Any, settings: Any) -> Iterator[FakeKuaidi100]:
    fake = FakeKuaidi100().start()
    for name, value in fake.settings().items():
        setattr(settings, name, value)
    settings.KUAIDI100_CALLBACK_URL = f"{live_server.url}/logistics/carriers/kuaidi100/push"
    yield fake
    fake.stop()


def test_label_printed_pushes_arrive_and_the_buyer_follows_the_parcel(
    phone_page: Any,
    browser: Any,
    live_server: Any,
    make_user: Any,
    kuaidi100_live: FakeKuaidi100,
) -> None:
    page, base, fake = phone_page, live_server.url, kuaidi100_live
    WarehouseStationFactory()
    station = VillageStationFactory()
    keeper = make_user(Role.WAREHOUSE, name="仓库 主管")
    packer = make_user(Role.PACKER, name="打包 员")
    buyer = make_user(name="张三")
    variant = stocked_variant(keeper, StockLocationFactory())
    order = to_guangzhou(paid_order(buyer, variant.pk, station=station))
    # Packing commits; the task then asks the fake Kuaidi100 for the waybill and subscribes.
    parcel: Parcel = packed(order, packer)
    waybill = Waybill.objects.get(parcel=parcel)
    assert waybill.status == Waybill.Status.CREATED
    number = waybill.tracking_number

    # The packer opens the parcel's carrier page and prints the 76 x 130 label.
    log_in(page, base, packer.phone, PASSWORD)
    page.goto(f"{base}/logistics/parcels/{parcel.number}/carrier/")
    expect(page.locator('[data-testid="tracking-number"]')).to_have_text(number)
    link = page.locator('[data-testid="waybill-label-76x130"]')
    expect(link).to_be_visible()
    fits_the_phone(page)
    page.screenshot(path=SCREENSHOT_DIR / "carriers-parcel-360.png", full_page=True)
    label = page.context.request.get(base + str(link.get_attribute("href")))
    assert label.ok
    assert label.headers["content-type"] == "application/pdf"
    assert label.body().startswith(b"%PDF")
    assert f"({number}) Tj".encode() in label.body()

    # The courier takes it: the hand-over with a typed name (no signature drawn).
    page.goto(f"{base}/logistics/carriers/")
    group = page.locator('[data-testid="carrier-group"][data-carrier="sf"]')
    group.locator('input[name="courier_name"]').fill("李师傅")
    group.locator('[data-testid="handover-submit"]').click()
    expect(page.locator('[data-testid="handover-count"]')).to_have_text("1")

    # The fake carrier scans it on the way and pushes each time, signed.
    fake.add_step(number, state="1", status_code="103", context="【丹寨县】顺丰速运 已收取快件")
    assert fake.push(number)[0] == 200
    fake.add_step(number, state="0", status_code="1002", context="快件已到达【贵阳转运中心】")
    fake.add_step(number, state="5", status_code="5", context="【广州天河】快递员正在派件")
    assert fake.push(number)[0] == 200
    assert fake.push(number)[0] == 200  # the same push again changes nothing

    # The buyer follows it in Chinese...
    log_in(page, base, buyer.phone, PASSWORD)
    page.goto(f"{base}/logistics/track/{parcel.number}/")
    tracking = page.locator('[data-testid="tracking"]')
    expect(tracking.locator('[data-testid="tracking-status"]')).to_have_text("派送中")
    expect(tracking.locator('[data-testid="tracking-carrier"]')).to_contain_text("顺丰速运")
    expect(tracking.locator('[data-testid="tracking-carrier"]')).to_contain_text(number)
    steps = tracking.locator(".timeline-event")
    expect(steps).to_have_count(6)  # packed, waybill, handed over, collected, transit, delivery
    expect(steps.first).to_contain_text("快递员正在派件")
    fits_the_phone(page)
    page.screenshot(path=SCREENSHOT_DIR / "carriers-track-zh-360.png", full_page=True)

    # ...and in English, where only the carrier's own words stay Chinese.
    context = browser.new_context(viewport={"width": 360, "height": 740}, locale="en-GB")
    english = context.new_page()
    log_in(english, base, buyer.phone, PASSWORD)
    english.goto(f"{base}/logistics/track/{parcel.number}/")
    tracking = english.locator('[data-testid="tracking"]')
    expect(tracking.locator('[data-testid="tracking-status"]')).to_have_text("Out for delivery")
    expect(tracking.locator('[data-testid="tracking-carrier"]')).to_contain_text(
        f"SF Express, tracking number {number}"
    )
    labels = tracking.locator(".timeline-status").all_inner_texts()
    assert "Out for delivery" in labels
    assert "Collected by the carrier" in labels
    assert all(not any("\u4e00" <= char <= "\u9fff" for char in text) for text in labels)
    english.screenshot(path=SCREENSHOT_DIR / "carriers-track-en-360.png", full_page=True)
    context.close()
