"""A loan from application to money, in a real browser at phone size: a seller with nine
months of sales applies and sees the reasons of the score; the loan officer opens the queue,
approves and disburses; the seller sees the schedule and the money on "My money"."""

from decimal import Decimal
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.e2e.phone import SCREENSHOT_DIR, fits_the_phone, log_in
from tests.finance.factories import (
    CreditRuleFactory,
    LoanProductFactory,
    OfficerLimitFactory,
    sales_history,
)
from tests.sellers.factories import SellerFactory
from xiangcun.accounts.types import Role
from xiangcun.finance.models import Loan

from .conftest import PASSWORD


@pytest.fixture
def phone(phone_page: Any) -> Any:
    """The phone page, patient: the live server shares a busy machine in CI (60 s)."""
    phone_page.set_default_timeout(60_000)
    phone_page.set_default_navigation_timeout(60_000)
    return phone_page


def test_seller_applies_officer_approves_and_disburses_seller_sees_schedule_and_money(
    live_server: Any, phone: Any, make_user: Any
) -> None:
    page = phone
    base = live_server.url
    owner = make_user(Role.SELLER, name="Wang")
    shop = SellerFactory(owner=owner, name="Paigao honey")
    sales_history(shop.pk, months=9, amount=Decimal("2310.00"))
    CreditRuleFactory(factor="months_selling", comparison="gte", threshold=6, points=30)
    product = LoanProductFactory(name="春耕贷", name_en="Spring planting loan")
    officer = make_user(Role.LOAN_OFFICER, name="Sun")
    OfficerLimitFactory(user=officer, max_amount=Decimal("10000"))

    # The seller applies and is told why, in plain words.
    log_in(page, base, owner.phone, PASSWORD)
    page.goto(f"{base}/finance/loans/apply/")
    page.locator('select[name="product"]').select_option(str(product.pk))
    page.locator('input[name="amount"]').fill("5000")
    page.locator('input[name="periods"]').fill("6")
    page.locator('main form.form button[type="submit"]').click()
    loan = Loan.objects.get(seller=shop)
    expect(page).to_have_url(f"{base}/finance/loans/{loan.pk}/")
    expect(page.locator("main")).to_contain_text("2,310")
    fits_the_phone(page)

    # The officer finds it in the queue, approves it and pays it onto the seller's balance.
    log_in(page, base, officer.phone, PASSWORD)
    page.goto(f"{base}/finance/officer/")
    page.locator(f'a[href="/finance/officer/loans/{loan.pk}/"]').first.click()
    expect(page.locator('[data-testid="status"]')).to_be_visible()
    fits_the_phone(page)
    approve = page.locator(f'form[action="/finance/officer/loans/{loan.pk}/approve/"]')
    approve.locator('input[name="amount"]').fill("5000")
    approve.locator('button[type="submit"]').click()
    page.wait_for_load_state()
    # Disbursing is two steps (the schedule is fixed, then the money is on the balance); the
    # same button takes the next one.
    for _step in range(2):
        loan.refresh_from_db()
        if loan.status == Loan.Status.ACTIVE:
            break
        disburse = page.locator(f'form[action="/finance/officer/loans/{loan.pk}/disburse/"]')
        disburse.locator('button[type="submit"]').click()
        page.wait_for_load_state()
    loan.refresh_from_db()
    assert loan.status == Loan.Status.ACTIVE
    assert loan.instalments.count() == 6

    # The seller sees the schedule and the money on the balance.
    log_in(page, base, owner.phone, PASSWORD)
    page.goto(f"{base}/finance/loans/{loan.pk}/")
    expect(page.locator('[data-testid="schedule"]')).to_be_visible()
    fits_the_phone(page)
    page.goto(f"{base}/finance/")
    expect(page.locator("main")).to_contain_text("5,000")
    fits_the_phone(page)
    page.screenshot(path=SCREENSHOT_DIR / "finance-money-360.png", full_page=True)
