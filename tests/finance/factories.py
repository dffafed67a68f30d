"""factory_boy factories for finance: loan products, credit rules, officer limits (the loans
work), and whatever the other finance parts add below."""

import datetime
from decimal import Decimal

import factory
from django.utils import timezone

from tests.accounts.factories import UserFactory
from tests.catalog.factories import ProductFactory, VariantFactory
from tests.orders.factories import OrderLineFactory
from xiangcun.finance.models import (
    CreditRule,
    Instalment,
    LateFee,
    Loan,
    LoanProduct,
    LoanReminder,
    OfficerLimit,
    Repayment,
    RepaymentAllocation,
)
from xiangcun.orders.models import Order

# --- Loans: products, credit rules, officer limits (the loans work) --------------------------


class LoanProductFactory(factory.django.DjangoModelFactory):
    """春耕贷: monthly, 12 % declining, equal instalments, ¥1,000 to 20,000 over 3 to 12 months."""

    class Meta:
        model = LoanProduct
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"spring-{n}")
    name = "春耕贷"
    name_en = "Spring planting loan"
    min_amount = Decimal("1000.00")
    max_amount = Decimal("20000.00")
    min_periods = 3
    max_periods = 12
    frequency = "monthly"
    annual_rate = Decimal("12.000")
    interest_method = "declining"
    amortization = "equal_installments"
    grace_principal = 0
    multiple = 0
    fee_flat = Decimal("0.00")
    fee_percent = Decimal("0.00")


class CreditRuleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CreditRule

    factor = "months_selling"
    comparison = "gte"
    threshold = Decimal("6")
    points = 30
    reason = "steady_seller"


class OfficerLimitFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = OfficerLimit

    user = factory.SubFactory(UserFactory)
    max_amount = Decimal("10000.00")


def sales_history(
    seller_id: int, *, months: int, amount: Decimal, today: datetime.date | None = None
) -> None:
    """One completed order line of `amount` for the seller in each of the last `months` whole
    months (completed on the 10th), skipping the current month. A variant of the seller's
    own, so the line is the seller's."""
    today = today or timezone.localdate()
    variant = VariantFactory(product=ProductFactory(seller_id=seller_id), price=amount)
    for back in range(1, months + 1):
        index = today.year * 12 + today.month - 1 - back
        day = datetime.date(index // 12, index % 12 + 1, 10)
        line = OrderLineFactory(variant=variant, unit_price=amount, line_total=amount)
        moment = timezone.make_aware(datetime.datetime.combine(day, datetime.time(12)))
        Order.objects.filter(pk=line.order_id).update(
            status=Order.Status.COMPLETED, completed_at=moment
        )


# --- Loans with schedules, repayments, reminders (the repayments work) ----------------------------
# Loan and Instalment rows made directly, so repayments can be tested apart from disbursement.


class LoanFactory(factory.django.DjangoModelFactory):
    """An active loan of ¥3,000 over 3 months on a product with a ¥20 late fee after 3 days
    (give it instalments, or use `active_loan`)."""

    class Meta:
        model = Loan

    number = factory.Sequence(lambda n: f"LT{n % 10**9:09d}")
    seller = factory.SubFactory("tests.sellers.factories.SellerFactory")
    product = factory.SubFactory(
        LoanProductFactory, late_fee=Decimal("20.00"), late_fee_after_days=3
    )
    status = Loan.Status.ACTIVE
    submitted_by = factory.LazyAttribute(lambda loan: loan.seller.owner)
    requested_amount = Decimal("3000.00")
    requested_periods = 3
    principal = Decimal("3000.00")
    periods = 3
    frequency = "monthly"
    annual_rate = Decimal("12.000")
    interest_method = "declining"
    amortization = "equal_installments"
    approved_by = factory.SubFactory(UserFactory)
    approved_at = factory.LazyFunction(timezone.now)
    disbursed_at = factory.LazyFunction(timezone.now)


class InstalmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Instalment

    loan = factory.SubFactory(LoanFactory)
    number = factory.Sequence(lambda n: n % 1000 + 1)
    due_date = factory.LazyFunction(lambda: timezone.localdate() + datetime.timedelta(days=30))
    principal = Decimal("1000.00")
    interest = Decimal("30.00")


class RepaymentFactory(factory.django.DjangoModelFactory):
    """A repayment row as recorded (pending: nothing allocated); `loan_repay` posts real ones."""

    class Meta:
        model = Repayment

    loan = factory.SubFactory(LoanFactory)
    reference = factory.Sequence(lambda n: f"test:{n}")
    channel = Repayment.Channel.CASH
    status = Repayment.Status.PENDING
    amount = Decimal("100.00")
    on = factory.LazyFunction(timezone.localdate)


class RepaymentAllocationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = RepaymentAllocation

    repayment = factory.SubFactory(RepaymentFactory)
    instalment = factory.SubFactory(InstalmentFactory)


class LateFeeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = LateFee

    instalment = factory.SubFactory(InstalmentFactory)
    amount = Decimal("20.00")
    charged_on = factory.LazyFunction(timezone.localdate)


class LoanReminderFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = LoanReminder

    instalment = factory.SubFactory(InstalmentFactory)
    loan = factory.LazyAttribute(lambda reminder: reminder.instalment.loan)
    kind = LoanReminder.Kind.BEFORE


def active_loan(
    *,
    rows: list[tuple[int, str, str]] | None = None,
    fee: str = "0.00",
    **loan_fields: object,
) -> Loan:
    """An active loan with a schedule: `rows` of (days from today to the due date, principal,
    interest), by default three monthly instalments of ¥1,000 principal with interest 30, 20
    and 10 falling due in 10, 40 and 70 days; `fee` on the first. Its principal is the sum."""
    loan: Loan = LoanFactory(**loan_fields)
    if rows is None:
        rows = [(10, "1000.00", "30.00"), (40, "1000.00", "20.00"), (70, "1000.00", "10.00")]
    today = timezone.localdate()
    for number, (days, principal, interest) in enumerate(rows, start=1):
        InstalmentFactory(
            loan=loan,
            number=number,
            due_date=today + datetime.timedelta(days=days),
            principal=Decimal(principal),
            interest=Decimal(interest),
            fee=Decimal(fee) if number == 1 else Decimal("0.00"),
        )
    total = sum((Decimal(principal) for _days, principal, _i in rows), Decimal("0.00"))
    Loan.objects.filter(pk=loan.pk).update(principal=total, requested_amount=total)
    loan.refresh_from_db()
    return loan


def loan_disbursed_in_ledger(loan: Loan) -> None:
    """Post what disbursement posts for the loan's principal (Dr loan_receivable / Cr the
    seller's available balance), so the ledger balances of a factory loan are real."""
    from xiangcun.ledger.services import entry_post
    from xiangcun.ledger.types import (
        EntryKind,
        loan_receivable_account,
        seller_available_account,
    )

    assert loan.principal is not None
    entry_post(
        kind=EntryKind.DISBURSEMENT,
        reference=f"test-disbursement:loan:{loan.pk}",
        lines=[
            (loan_receivable_account(loan.pk), loan.principal),
            (seller_available_account(loan.seller_id), -loan.principal),
        ],
    )


# --- Settlement and payouts (the payouts work) -------------------------------------------------


class PayoutAccountFactory(factory.django.DjangoModelFactory):
    """A seller paid by bank transfer."""

    class Meta:
        model = "finance.PayoutAccount"

    seller = factory.SubFactory("tests.sellers.factories.SellerFactory")
    method = "bank"
    account_name = "王秀英"
    account_number = factory.Sequence(lambda n: f"62220240{n % 10**8:08d}5")
    bank_name = "贵州丹寨农村商业银行"
    set_by = factory.SubFactory(UserFactory)


class PayoutRunFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "finance.PayoutRun"

    on = factory.Sequence(lambda n: datetime.date(2026, 1, 1) + datetime.timedelta(days=n))
    status = "done"


class PayoutFactory(factory.django.DjangoModelFactory):
    """A payout row only (no ledger entry): for pages and permissions, not for money."""

    class Meta:
        model = "finance.Payout"

    run = factory.SubFactory(PayoutRunFactory)
    seller = factory.SubFactory("tests.sellers.factories.SellerFactory")
    amount = Decimal("95.00")
    provider = "simulated"
    status = "paid"
    idempotency_key = factory.Sequence(lambda n: f"XCF{n:012d}")
