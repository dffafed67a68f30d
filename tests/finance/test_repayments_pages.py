"""Repayment pages: the borrower's loan page in Chinese and English, starting WeChat Pay (the
sandbox in tests), the agent's cash form with its receipt, the officer's arrears list,
portfolio and write-off, and who may open each."""

import re
from decimal import Decimal

import pytest
from django.test import Client

from tests.accounts.factories import UserFactory, user_with_role
from tests.finance.factories import active_loan
from tests.logistics.factories import staff_member
from tests.regions.factories import StationFactory
from xiangcun.accounts.types import Role
from xiangcun.finance.models import Loan, Repayment
from xiangcun.logistics.models import StaffMember

pytestmark = pytest.mark.django_db

LATIN_WORD = re.compile(r"\b[A-Za-z]{4,}\b")


def _visible_text(html: str) -> str:
    body = html.split("<main", 1)[-1].split(">", 1)[-1].split("</main>", 1)[0]
    body = re.sub(r"<(script|style)[^>]*>.*?</\1>", " ", body, flags=re.S)
    body = re.sub(r"<[^>]+>", " ", body)
    return re.sub(r"\s+", " ", body)


def test_the_borrower_sees_schedule_and_payments_in_chinese_and_english(client: Client):
    loan = active_loan(rows=[(-5, "1000.00", "30.00"), (25, "1000.00", "20.00")])
    client.force_login(loan.seller.owner)
    url = f"/finance/loans/{loan.pk}/repayments/"
    chinese = client.get(url, HTTP_ACCEPT_LANGUAGE="zh-Hans")
    assert chinese.status_code == 200
    text = _visible_text(chinese.text).replace(loan.seller.name, "")
    assert "还款计划" in text
    assert "逾期" in text
    assert "¥1,030.00" in text or "¥1030.00" in text
    english_words = [w for w in LATIN_WORD.findall(text) if w not in {"WeChat"}]
    assert english_words == [], english_words
    english = client.get(url, HTTP_ACCEPT_LANGUAGE="en")
    assert "What is due when" in english.text
    assert not re.search(
        r"[\u4e00-\u9fff]", _visible_text(english.text).replace(loan.seller.name, "")
    )


def test_another_seller_cannot_open_the_loan_page(client: Client):
    loan = active_loan()
    client.force_login(UserFactory())
    assert client.get(f"/finance/loans/{loan.pk}/repayments/").status_code == 403
    assert client.get("/finance/loans/999999/repayments/").status_code == 404


def test_the_borrower_starts_a_wechat_payment_and_is_sent_to_pay(client: Client, settings):
    settings.FINANCE_ONLINE_PROVIDER = "sandbox"
    settings.PAYMENTS_SANDBOX_ENABLED = True
    loan = active_loan()
    client.force_login(loan.seller.owner)
    answer = client.post(f"/finance/loans/{loan.pk}/repayments/", {"amount": "200.00"})
    assert answer.status_code == 302
    repayment = Repayment.objects.get(loan=loan)
    assert repayment.status == "pending"
    assert repayment.payment_number
    bad = client.post(f"/finance/loans/{loan.pk}/repayments/", {"amount": "-3"})
    assert bad.status_code == 200
    assert Repayment.objects.filter(loan=loan).count() == 1


def test_an_agent_takes_cash_by_phone_and_prints_a_receipt(client: Client):
    station = StationFactory()
    agent = staff_member(StaffMember.Job.AGENT, station)
    loan = active_loan()
    phone = loan.seller.phone or loan.seller.owner.phone
    client.force_login(agent)
    form = client.get("/finance/cash/")
    assert form.status_code == 200
    key = re.search(r'name="key" value="([0-9a-f]+)"', form.text).group(1)
    body = {"station": station.pk, "loan": phone, "amount": "530.00", "key": key}
    answer = client.post("/finance/cash/", body)
    assert answer.status_code == 302, answer.text
    # The same form sent twice records one repayment.
    assert client.post("/finance/cash/", body).status_code == 302
    repayment = Repayment.objects.get(loan=loan)
    assert repayment.amount == Decimal("530.00")
    receipt = client.get(answer["Location"])
    assert receipt.status_code == 200
    assert loan.number in receipt.text
    # A station of someone else is not offered, and a made-up one is refused.
    elsewhere = StationFactory()
    refused = client.post("/finance/cash/", {**body, "station": elsewhere.pk, "key": "k2"})
    assert refused.status_code == 200
    assert Repayment.objects.count() == 1


def test_the_cash_form_says_when_no_loan_is_found(client: Client):
    station = StationFactory()
    client.force_login(staff_member(StaffMember.Job.AGENT, station))
    page = client.post(
        "/finance/cash/", {"station": station.pk, "loan": "NOPE", "amount": "1", "key": "k"}
    )
    assert page.status_code == 200
    assert "没有找到" in page.text


def test_a_seller_cannot_take_cash(client: Client):
    client.force_login(active_loan().seller.owner)
    assert client.get("/finance/cash/").status_code == 403


def test_the_officer_sees_arrears_portfolio_and_writes_off(client: Client):
    officer = user_with_role(Role.LOAN_OFFICER)
    late = active_loan(rows=[(-40, "800.00", "8.00")])
    client.force_login(officer)
    page = client.get("/finance/officer/arrears/")
    assert page.status_code == 200
    assert late.number in page.text
    assert late.number in client.get("/finance/officer/arrears/?bucket=31-60").text
    assert late.number not in client.get("/finance/officer/arrears/?bucket=1-3").text
    assert client.get("/finance/officer/arrears/", {"bucket": "x" * 300}).status_code == 200
    portfolio = client.get("/finance/officer/portfolio/")
    assert "100.00%" in portfolio.text
    answer = client.post(f"/finance/officer/loans/{late.pk}/write-off/", {"reason": "搬走了"})
    assert answer.status_code == 302
    assert Loan.objects.get(pk=late.pk).status == "written_off"
    again = client.post(f"/finance/officer/loans/{late.pk}/write-off/", {"reason": "again"})
    assert again.status_code == 200


@pytest.mark.parametrize("url", ["/finance/officer/arrears/", "/finance/officer/portfolio/"])
def test_officer_pages_are_refused_to_others(client: Client, url: str):
    client.force_login(user_with_role(Role.AGENT))
    assert client.get(url).status_code == 403
    client.logout()
    assert client.get(url).status_code == 302
