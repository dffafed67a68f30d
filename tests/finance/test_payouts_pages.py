"""My money, statements and the staff's payouts page, and the money API: who sees what, in
both languages, and what the buttons do."""

import datetime
import re
from collections.abc import Callable
from decimal import Decimal

import pytest
from django.test import Client
from django.utils import timezone

from tests.accounts.factories import UserFactory, user_with_role
from tests.finance.factories import PayoutAccountFactory
from tests.finance.money_helpers import sale
from tests.sellers.factories import SellerFactory
from xiangcun.accounts.models import User
from xiangcun.accounts.types import Role
from xiangcun.finance import services
from xiangcun.finance.models import Payout
from xiangcun.sellers.models import Seller

pytestmark = pytest.mark.django_db

EN = {"HTTP_ACCEPT_LANGUAGE": "en"}
ZH = {"HTTP_ACCEPT_LANGUAGE": "zh-Hans"}
HAN = re.compile(r"[\u4e00-\u9fff]")


@pytest.fixture
def seller() -> Seller:
    shop: Seller = SellerFactory(name="Miao Batik")
    today = timezone.localdate()
    sale(shop.pk, "100.00", completed_on=today - datetime.timedelta(days=8))
    services.settlement_run(on=today)
    sale(shop.pk, "40.00", completed_on=None)
    return shop


@pytest.fixture
def manager(db: None) -> User:
    return user_with_role(Role.PROGRAMME_MANAGER)


def _text(html: str) -> str:
    body = html.split("<main", 1)[-1]
    return re.sub(r"<[^>]+>", " ", body)


def test_my_money_shows_available_and_pending_in_both_languages(
    client: Client, seller: Seller
) -> None:
    client.force_login(seller.owner)
    english = client.get("/finance/", **EN)
    assert english.status_code == 200
    text = _text(english.content.decode())
    assert "¥95.00" in text
    assert "¥38.00" in text
    assert not HAN.search(text)
    chinese = client.get("/finance/", **ZH)
    assert chinese.status_code == 200
    zh_text = _text(chinese.content.decode())
    assert "¥95.00" in zh_text
    assert not re.search(r"\b(Available|Pending|Statements|Recent payouts|Balance)\b", zh_text)


def test_someone_elses_money_is_not_found(client: Client, seller: Seller) -> None:
    client.force_login(UserFactory())
    assert client.get(f"/finance/?seller={seller.pk}").status_code == 404
    assert client.get("/finance/?seller=abc").status_code == 404
    month = timezone.localdate().strftime("%Y-%m")
    assert client.get(f"/finance/statements/{month}/?seller={seller.pk}").status_code == 404


def test_statement_page_csv_and_pdf(client: Client, seller: Seller) -> None:
    client.force_login(seller.owner)
    month = timezone.localdate().strftime("%Y-%m")
    page = client.get(f"/finance/statements/{month}/", **EN)
    assert page.status_code == 200
    assert "Closing balance" in page.content.decode()
    csv = client.get(f"/finance/statements/{month}/csv/", **EN)
    assert csv["Content-Type"].startswith("text/csv")
    assert csv.content.startswith("\ufeff".encode())
    pdf = client.get(f"/finance/statements/{month}/pdf/")
    assert pdf.content.startswith(b"%PDF")
    assert client.get(f"/finance/statements/{month}/xls/").status_code == 404
    assert client.get("/finance/statements/2026-99/").status_code == 404


def test_the_owner_sets_a_bank_account_shown_masked(client: Client, seller: Seller) -> None:
    client.force_login(seller.owner)
    answer = client.post(
        f"/finance/account/?seller={seller.pk}",
        {
            "method": "bank",
            "account_name": "王秀英",
            "account_number": "6222024000012345678",
            "bank_name": "丹寨农商银行",
        },
    )
    assert answer.status_code == 302
    page = client.get("/finance/", **EN).content.decode()
    assert "**** 5678" in page
    assert "6222024000012345678" not in page
    refused = client.post(
        f"/finance/account/?seller={seller.pk}",
        {"method": "bank", "account_name": "王", "account_number": "12", "bank_name": "x"},
        **EN,
    )
    assert refused.status_code == 200
    assert "field-error" in refused.content.decode()


def test_staff_run_payouts_from_the_page_and_download_the_bank_file(
    client: Client, seller: Seller, manager: User
) -> None:
    PayoutAccountFactory(seller=seller)
    client.force_login(seller.owner)
    assert client.get("/finance/payouts/").status_code == 403
    assert client.post("/finance/payouts/run/").status_code == 403
    client.force_login(manager)
    assert client.get("/finance/payouts/run/", **EN).status_code == 200  # the confirmation
    assert client.post("/finance/payouts/run/").status_code == 302
    payout = Payout.objects.get()
    assert (payout.status, payout.provider, payout.amount) == ("sent", "bank", Decimal("95.00"))
    page = client.get("/finance/payouts/", **EN).content.decode()
    assert "The bank paid it" in page
    assert "Bank file" in page
    bank = client.get(f"/finance/payouts/runs/{payout.run_id}/bank.csv")
    assert "95.00" in bank.content.decode("gb18030")
    assert client.post(f"/finance/payouts/{payout.pk}/paid/").status_code == 302
    payout.refresh_from_db()
    assert payout.status == "paid"
    # A second run the same day is refused with a message, not an error page.
    again = client.post("/finance/payouts/run/", follow=True, **EN)
    assert "already been run today" in again.content.decode()
    assert client.post(f"/finance/payouts/{payout.pk}/explode/").status_code == 404


def test_api_balance_statement_and_payouts_for_the_owner_only(
    client: Client, seller: Seller, manager: User, bearer: Callable[[User], dict[str, str]]
) -> None:
    owner = bearer(seller.owner)
    balance = client.get("/api/v1/finance/balance", headers=owner)
    assert balance.status_code == 200
    assert balance.json()["available"] == "95.00"
    assert balance.json()["pending"] == "38.00"
    month = timezone.localdate().strftime("%Y-%m")
    statement = client.get(f"/api/v1/finance/statements?month={month}", headers=owner)
    assert statement.status_code == 200
    assert statement.json()["closing"] == "133.00"
    bad = client.get("/api/v1/finance/statements?month=2026-13", headers=owner)
    assert (bad.status_code, bad.json()["code"]) == (400, "invalid_month")
    stranger = bearer(UserFactory())
    other = client.get(f"/api/v1/finance/balance?seller={seller.pk}", headers=stranger)
    assert (other.status_code, other.json()["code"]) == (404, "seller_not_found")
    huge = client.get("/api/v1/finance/balance?seller=99999999999999999999999", headers=owner)
    assert huge.status_code in {400, 422}

    refused = client.post("/api/v1/finance/payout-runs", headers=owner)
    assert (refused.status_code, refused.json()["code"]) == (403, "permission_denied")
    started = client.post("/api/v1/finance/payout-runs", headers=bearer(manager))
    assert started.status_code == 201
    assert [p["amount"] for p in started.json()["payouts"]] == ["95.00"]
    twice = client.post("/api/v1/finance/payout-runs", headers=bearer(manager))
    assert (twice.status_code, twice.json()["code"]) == (409, "payout_run_exists")
    payouts = client.get("/api/v1/finance/payouts", headers=owner)
    assert [p["status"] for p in payouts.json()] == ["paid"]
