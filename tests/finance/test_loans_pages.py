"""The loan pages in both languages at phone width: apply, my loans with the reasons and the
schedule, the "My money" box; the officer's queue, loan page and actions; others are refused."""

import re
from decimal import Decimal

import pytest
from django.template.loader import render_to_string
from django.test import Client
from django.utils import translation

from tests.accounts.factories import UserFactory, user_with_role
from tests.finance.factories import (
    CreditRuleFactory,
    LoanProductFactory,
    OfficerLimitFactory,
    sales_history,
)
from tests.sellers.factories import SellerFactory
from xiangcun.accounts.types import Role
from xiangcun.finance import selectors, services
from xiangcun.finance.models import Loan

pytestmark = pytest.mark.django_db

HAN = re.compile(r"[\u4e00-\u9fff]")


@pytest.fixture
def world(db):
    product = LoanProductFactory(name="春耕贷", name_en="Spring planting loan")
    seller = SellerFactory(name="Paigao honey")
    sales_history(seller.pk, months=9, amount=Decimal("2310.00"))
    CreditRuleFactory(factor="months_selling", comparison="gte", threshold=6, points=30)
    officer = user_with_role(Role.LOAN_OFFICER, name="Sun")
    OfficerLimitFactory(user=officer, max_amount=Decimal("10000"))
    return product, seller, officer


def _visible_text(html: str) -> str:
    """The page's own text: inside <main>, without the site's chrome (the 乡 logo, the
    language switcher's 简体中文)."""
    html = html[html.index("<main") : html.index("</main>")]
    html = re.sub(r"<(script|style)[^>]*>.*?</\1>", " ", html, flags=re.S)
    return re.sub(r"<[^>]+>", " ", html)


def test_a_seller_applies_on_the_page_and_sees_reasons_and_schedule(client: Client, world):
    product, seller, _officer = world
    client.force_login(seller.owner)
    page = client.get("/finance/loans/apply/", HTTP_ACCEPT_LANGUAGE="zh-Hans")
    assert page.status_code == 200
    answer = client.post(
        "/finance/loans/apply/",
        {
            "seller": seller.pk,
            "product": product.pk,
            "amount": "5000",
            "periods": "6",
            "purpose": "买化肥",
            "idempotency_key": "page-key-1",
        },
        HTTP_ACCEPT_LANGUAGE="zh-Hans",
    )
    loan = Loan.objects.get(seller=seller)
    assert answer.status_code == 302
    assert answer["Location"] == f"/finance/loans/{loan.pk}/"
    zh = client.get(answer["Location"], HTTP_ACCEPT_LANGUAGE="zh-Hans").content.decode()
    assert "售卖 9 个月，月均销售额 ¥2,310" in zh
    assert 'data-testid="schedule"' in zh
    en = client.get(answer["Location"], HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "9 months selling, ¥2,310 a month on average" in en
    assert "Spring planting loan" in en
    text = _visible_text(en).replace("Paigao honey", "")
    assert not HAN.search(text.replace("买化肥", "")), HAN.findall(text)


def test_a_bad_amount_is_shown_next_to_the_field(client, world):
    product, seller, _officer = world
    client.force_login(seller.owner)
    answer = client.post(
        "/finance/loans/apply/",
        {"seller": seller.pk, "product": product.pk, "amount": "50", "periods": "6"},
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert answer.status_code == 200
    assert "This product lends from ¥1,000 to ¥20,000." in answer.content.decode()
    assert not Loan.objects.exists()


def test_officer_queue_loan_page_and_decisions(client, world):
    product, seller, officer = world
    loan = services.loan_apply(
        actor=seller.owner,
        seller_id=seller.pk,
        product_id=product.pk,
        amount=Decimal("5000"),
        periods=6,
    ).loan
    client.force_login(officer)
    queue = client.get("/finance/officer/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert f"/finance/officer/loans/{loan.pk}/" in queue
    assert "score 30" in queue
    page = client.get(f"/finance/officer/loans/{loan.pk}/?amount=4000&periods=4")
    assert page.status_code == 200
    assert len(page.context["schedule"]) == 4
    client.post(
        f"/finance/officer/loans/{loan.pk}/approve/",
        {"amount": "4000", "product": product.pk, "periods": "4"},
    )
    loan.refresh_from_db()
    assert loan.status == Loan.Status.APPROVED
    client.post(f"/finance/officer/loans/{loan.pk}/disburse/")
    loan.refresh_from_db()
    assert loan.status == Loan.Status.ACTIVE
    mine = client.get(f"/finance/officer/loans/{loan.pk}/", HTTP_ACCEPT_LANGUAGE="zh-Hans")
    assert "已放款" in mine.content.decode() or "使用中" in mine.content.decode()


def test_others_cannot_see_a_loan_or_the_officer_pages(client, world):
    product, seller, _officer = world
    loan = services.loan_apply(
        actor=seller.owner,
        seller_id=seller.pk,
        product_id=product.pk,
        amount=Decimal("5000"),
        periods=6,
    ).loan
    client.force_login(SellerFactory().owner)
    assert client.get(f"/finance/loans/{loan.pk}/").status_code == 404
    assert client.get("/finance/officer/").status_code == 403
    assert client.get(f"/finance/officer/loans/{loan.pk}/").status_code == 403
    assert client.post(f"/finance/officer/loans/{loan.pk}/approve/", {}).status_code == 403
    client.force_login(UserFactory())
    assert client.post(f"/finance/loans/{loan.pk}/withdraw/").status_code == 404


def test_the_money_box_shows_the_next_repayment(world):
    product, seller, officer = world
    loan = services.loan_apply(
        actor=seller.owner,
        seller_id=seller.pk,
        product_id=product.pk,
        amount=Decimal("3000"),
        periods=3,
    ).loan
    services.loan_approve(actor=officer, loan_id=loan.pk, amount=Decimal("3000"))
    services.loan_disburse(actor=officer, loan_id=loan.pk)
    rows = selectors.loans_box(user=seller.owner)
    with translation.override("en"):
        html = render_to_string("finance/_money_loans.html", {"loans": rows})
    assert "Next repayment ¥" in html
    assert f"/finance/loans/{loan.pk}/" in html
