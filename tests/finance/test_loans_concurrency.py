"""Racing loan writes on PostgreSQL: two officers disbursing the same loan at once book the
money once; two applications for the same shop at once leave one open."""

from decimal import Decimal

import pytest

from tests.accounts.factories import user_with_role
from tests.concurrency import run_together
from tests.finance.factories import LoanProductFactory, OfficerLimitFactory
from tests.sellers.factories import SellerFactory
from xiangcun.accounts.types import Role
from xiangcun.finance import services
from xiangcun.finance.models import Instalment, Loan
from xiangcun.ledger.selectors import account_balance, entries_for_reference
from xiangcun.ledger.types import loan_receivable_account, seller_available_account


@pytest.mark.postgres
def test_two_disbursements_at_once_disburse_once(transactional_db: None) -> None:
    product = LoanProductFactory(fee_flat=Decimal("10.00"))
    seller = SellerFactory()
    officers = [user_with_role(Role.LOAN_OFFICER) for _ in range(2)]
    for officer in officers:
        OfficerLimitFactory(user=officer, max_amount=Decimal("20000"))
    loan = services.loan_apply(
        actor=seller.owner,
        seller_id=seller.pk,
        product_id=product.pk,
        amount=Decimal("6000"),
        periods=6,
    ).loan
    services.loan_approve(actor=officers[0], loan_id=loan.pk, amount=Decimal("6000"))

    outcomes = run_together(2, lambda i: services.loan_disburse(actor=officers[i], loan_id=loan.pk))

    assert outcomes == ["ok", "ok"]
    assert Loan.objects.get(pk=loan.pk).status == Loan.Status.ACTIVE
    assert Instalment.objects.filter(loan=loan).count() == 6
    assert len(entries_for_reference(reference=f"disburse:{loan.pk}")) == 1
    assert account_balance(code=loan_receivable_account(loan.pk)) == Decimal("6000.00")
    assert account_balance(code=seller_available_account(seller.pk)) == Decimal("-5990.00")
    assert Loan.objects.get(pk=loan.pk).actions.filter(code="disbursed").count() == 1


@pytest.mark.postgres
def test_two_applications_at_once_leave_one_open(transactional_db: None) -> None:
    product = LoanProductFactory()
    seller = SellerFactory()

    def apply(index: int) -> None:
        services.loan_apply(
            actor=seller.owner,
            seller_id=seller.pk,
            product_id=product.pk,
            amount=Decimal(1000 + index * 1000),
            periods=6,
        )

    outcomes = run_together(2, apply)
    assert sorted(outcomes) == ["ok", "open_application_exists"]
    assert Loan.objects.filter(seller=seller).count() == 1
