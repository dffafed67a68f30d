"""The loans API: the documented shapes, bounds at the edge (never a 500), a seller sees only
their own loans, officers' refusals as 403 codes, the full path to a disbursed schedule."""

from decimal import Decimal

import pytest
from django.test import Client

from tests.accounts.factories import user_with_role
from tests.finance.factories import LoanProductFactory, OfficerLimitFactory
from tests.sellers.factories import SellerFactory
from xiangcun.accounts.types import Role
from xiangcun.finance.models import Loan

pytestmark = pytest.mark.django_db

API = "/api/v1/finance"


def _post(client, url, body, headers):
    return client.post(url, body, content_type="application/json", headers=headers)


@pytest.fixture
def world(db):
    product = LoanProductFactory()
    seller = SellerFactory()
    officer = user_with_role(Role.LOAN_OFFICER)
    OfficerLimitFactory(user=officer, max_amount=Decimal("10000"))
    return product, seller, officer


def _apply(client, bearer, seller, product, **extra):
    body = {"seller": seller.pk, "product": product.pk, "amount": "5000", "periods": 6, **extra}
    return _post(client, f"{API}/loans/applications", body, bearer(seller.owner))


def test_products_are_listed(client: Client, bearer, world):
    product, seller, _officer = world
    answer = client.get(f"{API}/loan-products", headers=bearer(seller.owner))
    assert answer.status_code == 200
    row = answer.json()[0]
    assert row["code"] == product.code
    assert row["min_amount"] == "1000.00"
    assert row["annual_rate"] == "12.000"


def test_applying_answers_201_then_200_for_the_same_key_then_409(client, bearer, world):
    product, seller, _officer = world
    first = _apply(client, bearer, seller, product, idempotency_key="key-0001")
    assert first.status_code == 201, first.json()
    body = first.json()
    assert body["status"] == "submitted"
    assert body["assessment"]["score"] >= 0
    again = _apply(client, bearer, seller, product, idempotency_key="key-0001")
    assert again.status_code == 200
    assert again.json()["id"] == body["id"]
    assert again.json()["duplicate"] is True
    other = _apply(client, bearer, seller, product, idempotency_key="key-0002")
    assert other.status_code == 409
    assert other.json()["code"] == "open_application_exists"


@pytest.mark.parametrize(
    ("amount", "periods"),
    [
        ("0", 6),
        (-5, 6),
        ("-1e9", 6),
        (1e300, 6),
        ("NaN", 6),
        ("Infinity", 6),
        ("12abc", 6),
        ("5000", -1),
        ("5000", 0),
        ("5000", 9_000_000_000),
        ("1" * 39, 6),
        (1000.001, 6),
    ],
)
def test_absurd_amounts_and_terms_get_400_with_a_code(client, bearer, world, amount, periods):
    product, seller, _officer = world
    answer = _apply(client, bearer, seller, product, amount=amount, periods=periods)
    assert answer.status_code == 400, answer.content
    assert answer.json()["code"] == "invalid_loan_application"
    assert not Loan.objects.exists()


def test_huge_ids_and_bad_bodies_are_refused_without_a_500(client, bearer, world):
    _product, _seller, officer = world
    headers = bearer(officer)
    assert client.get(f"{API}/loans/99999999999999999999", headers=headers).status_code in (
        400,
        404,
        422,
    )
    assert client.get(f"{API}/loans/0", headers=headers).status_code in (400, 404, 422)
    answer = _post(client, f"{API}/loans/1/approve", {"amount": []}, headers)
    assert answer.status_code in (400, 422)
    answer = _post(client, f"{API}/loans/1/approve", {"amount": "5000"}, headers)
    assert answer.status_code == 404
    assert answer.json()["code"] == "loan_not_found"


def test_a_seller_sees_only_their_own_loans(client, bearer, world):
    product, seller, _officer = world
    loan_id = _apply(client, bearer, seller, product).json()["id"]
    stranger = SellerFactory()
    for url in (f"{API}/loans/{loan_id}", f"{API}/loans/{loan_id}/schedule"):
        assert client.get(url, headers=bearer(stranger.owner)).status_code == 404
        assert client.get(url, headers=bearer(seller.owner)).status_code == 200
    assert client.get(f"{API}/loans", headers=bearer(stranger.owner)).json() == []
    mine = client.get(f"{API}/loans", headers=bearer(seller.owner)).json()
    assert [row["id"] for row in mine] == [loan_id]
    withdraw = _post(client, f"{API}/loans/{loan_id}/withdraw", {}, bearer(stranger.owner))
    assert withdraw.status_code == 403


def test_officer_refusals_are_403_with_codes(client, bearer, world):
    product, _seller, officer = world
    own_shop = SellerFactory(owner=officer)
    own = _apply(client, bearer, own_shop, product).json()["id"]
    answer = _post(client, f"{API}/loans/{own}/approve", {"amount": "5000"}, bearer(officer))
    assert answer.status_code == 403
    assert answer.json()["code"] == "own_application"
    big_shop = SellerFactory()
    big = _apply(client, bearer, big_shop, product, amount="15000").json()["id"]
    proposal = _post(client, f"{API}/loans/{big}/approve", {"amount": "15000"}, bearer(officer))
    assert proposal.status_code == 200
    assert proposal.json()["awaiting_second_officer"] is True
    again = _post(client, f"{API}/loans/{big}/approve", {"amount": "15000"}, bearer(officer))
    assert again.status_code == 403
    assert again.json()["code"] == "second_officer_required"
    junior = user_with_role(Role.LOAN_OFFICER)
    low = _post(client, f"{API}/loans/{big}/approve", {"amount": "15000"}, bearer(junior))
    assert low.status_code == 403
    assert low.json()["code"] == "above_approval_limit"
    seller_tries = _post(
        client, f"{API}/loans/{big}/approve", {"amount": "15000"}, bearer(big_shop.owner)
    )
    assert seller_tries.status_code == 403


def test_apply_approve_disburse_and_read_the_schedule(client, bearer, world):
    product, seller, officer = world
    loan_id = _apply(client, bearer, seller, product).json()["id"]
    preview = client.get(f"{API}/loans/{loan_id}/schedule", headers=bearer(seller.owner)).json()
    assert preview["preview"] is True
    assert len(preview["rows"]) == 6
    approved = _post(
        client, f"{API}/loans/{loan_id}/approve", {"amount": 4000, "periods": 4}, bearer(officer)
    )
    assert approved.status_code == 200, approved.json()
    assert approved.json()["principal"] == "4000.00"
    bad_move = _post(client, f"{API}/loans/{loan_id}/decline", {"reason": "no"}, bearer(officer))
    assert bad_move.status_code == 409
    assert bad_move.json()["code"] == "invalid_loan_move"
    disbursed = _post(client, f"{API}/loans/{loan_id}/disburse", {}, bearer(officer))
    assert disbursed.status_code == 200, disbursed.json()
    assert disbursed.json()["status"] == "active"
    schedule = client.get(f"{API}/loans/{loan_id}/schedule", headers=bearer(seller.owner)).json()
    assert schedule["preview"] is False
    assert [row["n"] for row in schedule["rows"]] == [1, 2, 3, 4]
    assert sum(Decimal(row["principal"]) for row in schedule["rows"]) == Decimal("4000.00")
    assert schedule["rows"][-1]["outstanding"] == "0.00"


def test_more_info_answer_in_the_api(client, bearer, world):
    product, seller, officer = world
    loan_id = _apply(client, bearer, seller, product).json()["id"]
    asked = _post(client, f"{API}/loans/{loan_id}/more-info", {"note": "用途?"}, bearer(officer))
    assert asked.json()["status"] == "more_info"
    queue = client.get(f"{API}/loans/applications", headers=bearer(officer)).json()
    assert [row["id"] for row in queue] == [loan_id]
    answered = _post(
        client, f"{API}/loans/{loan_id}/answer", {"note": "买化肥"}, bearer(seller.owner)
    )
    assert answered.json()["status"] == "submitted"
    empty = _post(client, f"{API}/loans/{loan_id}/more-info", {"note": "  "}, bearer(officer))
    assert empty.status_code == 400
