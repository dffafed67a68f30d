"""Loans from application to disbursement through the services: applying (once per shop, a
retried key answers the first), the officer's decisions (limits, four eyes, never one's own),
every illegal move refused with a code, and the disbursement's postings against the schedule."""

import datetime
from decimal import Decimal

import pytest

from tests.accounts.factories import UserFactory, user_with_role
from tests.finance.factories import LoanProductFactory, OfficerLimitFactory
from tests.sellers.factories import SellerFactory
from xiangcun.accounts.types import Role
from xiangcun.core.errors import XiangcunError
from xiangcun.finance import selectors, services
from xiangcun.finance.errors import (
    AboveApprovalLimitError,
    InvalidLoanApplicationError,
    InvalidLoanMoveError,
    InvalidLoanTermsError,
    LoanNotFoundError,
    LoanPermissionDeniedError,
    OpenApplicationExistsError,
    OwnApplicationError,
    SecondOfficerRequiredError,
)
from xiangcun.finance.models import Loan
from xiangcun.finance.schedule import schedule_build
from xiangcun.finance.services._loan_common import loan_terms
from xiangcun.ledger.selectors import account_balance, entries_for_reference
from xiangcun.ledger.types import LOAN_FEE_INCOME, loan_receivable_account, seller_available_account

Status = Loan.Status


@pytest.fixture
def product(db: None):
    return LoanProductFactory(fee_flat=Decimal("10.00"), fee_percent=Decimal("1.00"))


@pytest.fixture
def seller(db: None):
    return SellerFactory()


@pytest.fixture
def officer(db: None):
    user = user_with_role(Role.LOAN_OFFICER)
    OfficerLimitFactory(user=user, max_amount=Decimal("10000.00"))
    return user


@pytest.fixture
def senior(db: None):
    user = user_with_role(Role.LOAN_OFFICER)
    OfficerLimitFactory(user=user, max_amount=Decimal("50000.00"))
    return user


def apply(seller, product, amount="5000", periods=6, **kw):
    return services.loan_apply(
        actor=kw.pop("actor", seller.owner),
        seller_id=seller.pk,
        product_id=product.pk,
        amount=Decimal(amount),
        periods=periods,
        purpose="化肥和种子",
        **kw,
    ).loan


def test_application_is_submitted_and_scored_at_once(seller, product):
    loan = apply(seller, product)
    assert loan.status == Status.SUBMITTED
    assert loan.submitted_by_id == seller.owner_id
    assessment = selectors.assessment_latest(loan=loan)
    assert assessment is not None
    assert 0 <= assessment.score <= 100
    assert [a.code for a in loan.actions.all()] == ["submitted"]


def test_retried_application_with_the_same_key_answers_the_first(seller, product):
    first = services.loan_apply(
        actor=seller.owner,
        seller_id=seller.pk,
        product_id=product.pk,
        amount=Decimal("5000"),
        periods=6,
        idempotency_key="retry-key-1",
    )
    again = services.loan_apply(
        actor=seller.owner,
        seller_id=seller.pk,
        product_id=product.pk,
        amount=Decimal("5000"),
        periods=6,
        idempotency_key="retry-key-1",
    )
    assert first.created
    assert not again.created
    assert again.loan.pk == first.loan.pk
    assert Loan.objects.filter(seller=seller).count() == 1


def test_a_second_open_application_is_refused(seller, product):
    apply(seller, product)
    with pytest.raises(OpenApplicationExistsError) as refused:
        apply(seller, product, amount="2000")
    assert refused.value.code == "open_application_exists"
    assert refused.value.status == 409


def test_after_a_decline_the_shop_may_apply_again(seller, product, officer):
    loan = apply(seller, product)
    services.loan_decline(actor=officer, loan_id=loan.pk, reason="销售记录太短")
    assert apply(seller, product).pk != loan.pk


def test_an_agent_applies_for_a_farmers_shop_and_is_recorded(seller, product):
    agent = user_with_role(Role.AGENT)
    loan = apply(seller, product, actor=agent)
    assert loan.submitted_by_id == agent.pk
    assert loan.actions.get().params["on_behalf"] is True


def test_nobody_applies_for_a_shop_they_do_not_manage(seller, product):
    stranger = UserFactory()
    with pytest.raises(LoanPermissionDeniedError):
        apply(seller, product, actor=stranger)


@pytest.mark.parametrize(
    ("amount", "periods", "field"),
    [
        ("0", 6, "amount"),
        ("-5", 6, "amount"),
        ("999.99", 6, "amount"),
        ("20000.01", 6, "amount"),
        ("1000.001", 6, "amount"),
        ("1e20", 6, "amount"),
        ("NaN", 6, "amount"),
        ("5000", 0, "periods"),
        ("5000", 13, "periods"),
        ("5000", 10**12, "periods"),
    ],
)
def test_absurd_amounts_and_terms_are_refused_with_the_field(
    seller, product, amount, periods, field
):
    with pytest.raises(InvalidLoanApplicationError) as refused:
        apply(seller, product, amount=amount, periods=periods)
    assert refused.value.field == field
    assert refused.value.code == "invalid_loan_application"
    assert not Loan.objects.exists()


def test_officer_within_limit_approves_and_terms_are_copied(seller, product, officer):
    loan = apply(seller, product)
    loan = services.loan_approve(actor=officer, loan_id=loan.pk, amount=Decimal("4000"), periods=6)
    assert loan.status == Status.APPROVED
    assert loan.principal == Decimal("4000.00")
    assert (loan.annual_rate, loan.frequency, loan.interest_method, loan.amortization) == (
        product.annual_rate,
        product.frequency,
        product.interest_method,
        product.amortization,
    )
    assert loan.approved_by_id == officer.pk
    assert loan.second_approved_by_id is None
    # Editing the product later does not change the loan.
    product.annual_rate = Decimal("24")
    product.save()
    loan.refresh_from_db()
    assert loan.annual_rate == Decimal("12.000")


def test_above_the_limit_a_second_different_officer_confirms(seller, product, officer, senior):
    loan = apply(seller, product, amount="15000")
    loan = services.loan_approve(actor=officer, loan_id=loan.pk, amount=Decimal("15000"))
    assert loan.status == Status.SUBMITTED
    assert services.awaiting_second_officer(loan)
    with pytest.raises(SecondOfficerRequiredError) as same:
        services.loan_approve(actor=officer, loan_id=loan.pk, amount=Decimal("15000"))
    assert same.value.status == 403
    loan = services.loan_approve(actor=senior, loan_id=loan.pk, amount=Decimal("15000"))
    assert loan.status == Status.APPROVED
    assert (loan.approved_by_id, loan.second_approved_by_id) == (officer.pk, senior.pk)
    codes = [a.code for a in loan.actions.order_by("id")]
    assert codes == ["submitted", "approval_proposed", "approval_confirmed"]


def test_a_second_officer_below_the_amount_cannot_confirm(seller, product, officer):
    other = user_with_role(Role.LOAN_OFFICER)
    OfficerLimitFactory(user=other, max_amount=Decimal("12000"))
    loan = apply(seller, product, amount="15000")
    services.loan_approve(actor=officer, loan_id=loan.pk, amount=Decimal("15000"))
    with pytest.raises(AboveApprovalLimitError) as refused:
        services.loan_approve(actor=other, loan_id=loan.pk, amount=Decimal("15000"))
    assert refused.value.code == "above_approval_limit"
    assert Loan.objects.get(pk=loan.pk).status == Status.SUBMITTED


def test_nobody_decides_on_their_own_application(product, officer):
    shop = SellerFactory(owner=officer)
    loan = apply(shop, product)
    for decide in (
        lambda: services.loan_approve(actor=officer, loan_id=loan.pk, amount=Decimal("5000")),
        lambda: services.loan_decline(actor=officer, loan_id=loan.pk, reason="x"),
        lambda: services.loan_ask_more(actor=officer, loan_id=loan.pk, note="x"),
    ):
        with pytest.raises(OwnApplicationError) as refused:
            decide()
        assert refused.value.code == "own_application"


def test_an_officer_cannot_approve_what_they_applied_for_as_an_agent(seller, product, officer):
    officer.groups.add(*user_with_role(Role.AGENT).groups.all())
    loan = apply(seller, product, actor=officer)
    with pytest.raises(OwnApplicationError):
        services.loan_approve(actor=officer, loan_id=loan.pk, amount=Decimal("5000"))


def test_a_seller_cannot_decide(seller, product):
    loan = apply(seller, product)
    with pytest.raises(LoanPermissionDeniedError):
        services.loan_approve(actor=seller.owner, loan_id=loan.pk, amount=Decimal("5000"))


def test_more_information_then_answer_resubmits_and_rescores(seller, product, officer):
    loan = apply(seller, product)
    services.loan_ask_more(actor=officer, loan_id=loan.pk, note="请说明用途")
    loan.refresh_from_db()
    assert (loan.status, loan.decision_note) == (Status.MORE_INFO, "请说明用途")
    with pytest.raises(InvalidLoanMoveError):
        services.loan_approve(actor=officer, loan_id=loan.pk, amount=Decimal("5000"))
    services.loan_answer(actor=seller.owner, loan_id=loan.pk, note="买化肥 20 袋")
    loan.refresh_from_db()
    assert (loan.status, loan.applicant_note) == (Status.SUBMITTED, "买化肥 20 袋")
    assert loan.assessments.count() == 2


def test_the_applicant_withdraws_before_disbursement(seller, product, officer):
    loan = apply(seller, product)
    services.loan_approve(actor=officer, loan_id=loan.pk, amount=Decimal("5000"))
    loan = services.loan_withdraw(actor=seller.owner, loan_id=loan.pk)
    assert loan.status == Status.WITHDRAWN
    stranger = UserFactory()
    other = apply(seller, product)
    with pytest.raises(LoanPermissionDeniedError):
        services.loan_withdraw(actor=stranger, loan_id=other.pk)


def _approved(seller, product, officer, amount="6000", periods=6):
    loan = apply(seller, product, amount=amount, periods=periods)
    return services.loan_approve(
        actor=officer, loan_id=loan.pk, amount=Decimal(amount), periods=periods
    )


@pytest.mark.parametrize(
    ("status", "moves"),
    [
        (Status.SUBMITTED, ["disburse", "answer"]),
        (Status.MORE_INFO, ["approve", "more", "disburse"]),
        (Status.APPROVED, ["approve", "more", "decline", "answer"]),
        (Status.REJECTED, ["approve", "more", "decline", "withdraw", "disburse", "answer"]),
        (Status.WITHDRAWN, ["approve", "more", "decline", "withdraw", "disburse", "answer"]),
        (Status.ACTIVE, ["approve", "more", "decline", "withdraw", "answer"]),
        (Status.CLOSED, ["approve", "more", "decline", "withdraw", "disburse", "answer"]),
        (Status.WRITTEN_OFF, ["approve", "more", "decline", "withdraw", "disburse", "answer"]),
    ],
)
def test_every_illegal_move_is_refused_with_a_code(seller, product, officer, status, moves):
    loan = _approved(seller, product, officer)
    Loan.objects.filter(pk=loan.pk).update(status=status)
    calls = {
        "approve": lambda: services.loan_approve(
            actor=officer, loan_id=loan.pk, amount=Decimal("6000")
        ),
        "more": lambda: services.loan_ask_more(actor=officer, loan_id=loan.pk, note="?"),
        "decline": lambda: services.loan_decline(actor=officer, loan_id=loan.pk, reason="no"),
        "withdraw": lambda: services.loan_withdraw(actor=seller.owner, loan_id=loan.pk),
        "disburse": lambda: services.loan_disburse(actor=officer, loan_id=loan.pk),
        "answer": lambda: services.loan_answer(actor=seller.owner, loan_id=loan.pk, note="a"),
    }
    for move in moves:
        with pytest.raises(InvalidLoanMoveError) as refused:
            calls[move]()
        assert refused.value.code == "invalid_loan_move"
        assert refused.value.status == 409
        assert Loan.objects.get(pk=loan.pk).status == status


def test_disbursement_posts_balanced_entries_matching_the_schedule(seller, product, officer):
    loan = _approved(seller, product, officer, amount="6000", periods=6)
    on = datetime.date(2026, 1, 31)
    loan = services.loan_disburse(actor=officer, loan_id=loan.pk, on=on)
    assert loan.status == Status.ACTIVE
    expected = schedule_build(loan_terms(loan, disbursed_on=on))
    rows = list(loan.instalments.order_by("number"))
    assert [(r.number, r.due_date, r.principal, r.interest) for r in rows] == [
        (e.n, e.due, e.principal, e.interest) for e in expected.rows
    ]
    assert rows[0].due_date == datetime.date(2026, 2, 28)
    assert sum(r.principal for r in rows) == Decimal("6000.00")
    # Dr loan receivable 6000 / Cr seller 6000; fee 10 + 1 % = 70: Dr seller / Cr fee income.
    assert account_balance(code=loan_receivable_account(loan.pk)) == Decimal("6000.00")
    assert account_balance(code=seller_available_account(seller.pk)) == Decimal("-5930.00")
    assert account_balance(code=LOAN_FEE_INCOME) == Decimal("-70.00")
    for entry in entries_for_reference(reference=f"disburse:{loan.pk}"):
        assert sum(p.amount for p in entry.postings.all()) == 0
    codes = [a.code for a in loan.actions.order_by("id")]
    assert codes[-2:] == ["disbursed", "activated"]


def test_disbursing_twice_books_the_money_once(seller, product, officer):
    loan = _approved(seller, product, officer)
    services.loan_disburse(actor=officer, loan_id=loan.pk)
    services.loan_disburse(actor=officer, loan_id=loan.pk)
    assert len(entries_for_reference(reference=f"disburse:{loan.pk}")) == 1
    assert loan.instalments.count() == 6
    assert account_balance(code=loan_receivable_account(loan.pk)) == Decimal("6000.00")


def test_a_seller_sees_only_their_own_loans(seller, product, officer):
    loan = apply(seller, product)
    other = SellerFactory()
    with pytest.raises(LoanNotFoundError):
        selectors.loan_for(user=other.owner, loan_id=loan.pk)
    assert selectors.loan_for(user=seller.owner, loan_id=loan.pk) == loan
    assert selectors.loan_for(user=officer, loan_id=loan.pk) == loan
    assert selectors.loans_of(user=other.owner) == []


def test_the_officer_queue_is_oldest_first_with_the_score(product, officer):
    first = apply(SellerFactory(), product)
    second = apply(SellerFactory(), product)
    services.loan_ask_more(actor=officer, loan_id=second.pk, note="?")
    rows = selectors.officer_queue(user=officer)
    assert [row.loan.pk for row in rows] == [first.pk, second.pk]
    assert all(row.score is not None for row in rows)


def test_product_terms_are_checked_by_the_schedule_engine(officer):
    data = {
        "code": "bad",
        "name": "坏",
        "min_amount": "1000",
        "max_amount": "5000",
        "min_periods": 3,
        "max_periods": 6,
        "frequency": "monthly",
        "annual_rate": "12",
        "interest_method": "declining",
        "amortization": "equal_installments",
        "grace_principal": 3,
    }
    with pytest.raises(InvalidLoanTermsError) as refused:
        services.loan_product_save(actor=officer, data=data)
    assert refused.value.field == "grace_principal"
    for field, value in (
        ("annual_rate", "99"),
        ("annual_rate", "-1"),
        ("min_periods", 0),
        ("max_amount", "500"),
        ("frequency", "daily"),
    ):
        with pytest.raises(XiangcunError) as refused:
            services.loan_product_save(
                actor=officer, data={**data, "grace_principal": 0, field: value}
            )
        assert refused.value.field == field
    product = services.loan_product_save(actor=officer, data={**data, "grace_principal": 1})
    assert product.grace_principal == 1
