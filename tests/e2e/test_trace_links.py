"""Links both ways, in Chromium at phone size: from a product page to one of its lots' trace
page and back to buy it; and from an order's line to the trace page of the lot packed into it."""

import datetime
import re
from decimal import Decimal
from typing import Any

from django.utils import timezone
from playwright.sync_api import expect

from tests.e2e.phone import SCREENSHOT_DIR, fits_the_phone, htmx_idle, log_in
from tests.orders_pages.conftest import shop_build
from tests.orders_pages.test_order_pages import place
from xiangcun.traceability import services as traceability

from .conftest import PASSWORD


def test_product_to_trace_and_back_to_buy_and_order_line_to_trace(
    transactional_db: Any, live_server: Any, phone_page: Any
) -> None:
    shop = shop_build()
    market = shop.market
    lot = traceability.lot_record(
        actor=market.farmer,
        product_id=market.honey.pk,
        variant_id=shop.honey_variant,
        seller_id=market.honey_shop.pk,
        village_id=market.village.pk,
        harvested_on=timezone.localdate() - datetime.timedelta(days=3),
        quantity=Decimal("40"),
        unit="jin",
    )
    page = phone_page
    base = live_server.url

    # The product page loads its lots on sale; one opens the lot's trace page.
    page.goto(f"{base}/shop/p/{market.honey.pk}/")
    lot_link = page.locator('[data-testid="product-lot"]')
    expect(lot_link).to_have_count(1)
    expect(lot_link).to_contain_text(lot.code)
    expect(lot_link).to_contain_text(market.village.name)
    htmx_idle(page)
    fits_the_phone(page)
    page.screenshot(path=str(SCREENSHOT_DIR / "product-trace-this-360.png"), full_page=True)
    lot_link.click()
    expect(page.locator("h1")).to_contain_text("丹寨土蜂蜜")
    expect(page.get_by_text(lot.code).first).to_be_visible()
    fits_the_phone(page)

    # The trace page leads back to buy the product.
    page.locator('[data-testid="buy-product"]').click()
    expect(page).to_have_url(re.compile(rf"/shop/p/{market.honey.pk}/$"))
    expect(page.locator('[data-testid="add-to-cart"]').first).to_be_visible()

    # Packed into an order line, the lot is one tap away from the order page.
    order = place(shop)
    line = order.lines.get()
    traceability.event_pack(lot=lot, order_line_id=line.pk, order_number=order.number, quantity=1)
    log_in(page, base, shop.buyer.phone, PASSWORD)
    page.goto(f"{base}/orders/{order.pk}/")
    trace = page.locator('[data-testid="line-trace"]')
    expect(trace).to_have_count(1)
    fits_the_phone(page)
    trace.click()
    expect(page.locator(".trace-code")).to_have_text(lot.code)
    expect(page.locator('[data-testid="journey"] li')).to_have_count(2)  # harvested, packed
