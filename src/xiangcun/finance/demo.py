"""The finance part of `xiangcun demo`. Each part of finance adds its loader here; the loans
demo (`loans_demo_load`) runs first."""

import datetime
from decimal import Decimal
from typing import Any

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from xiangcun.accounts.types import Role
from xiangcun.finance import services as finance_services
from xiangcun.finance.models import Instalment, Loan, LoanProduct, OfficerLimit, Repayment
from xiangcun.finance.selectors.arrears import instalment_owing
from xiangcun.regions.selectors import stations_list
from xiangcun.sellers.selectors import sellers_list

# --- Repayments (the repayments work) -------------------------------------------------------------
# Disbursed this many days ago, a monthly loan's first instalment is 44-47 days late: the 31-60
# bucket, with its 30-days-late reminder due.
_ARREARS_DISBURSED_DAYS_AGO = 75
_CLOSED_DISBURSED_DAYS_AGO = 100


def _officer() -> Any:
    users = get_user_model()._default_manager
    return users.filter(groups__name=Role.LOAN_OFFICER.value, is_active=True).order_by("pk").first()


def _demo_loan(
    *, officer: Any, seller: Any, product: LoanProduct, key: str, days_ago: int
) -> Loan | None:
    """A loan for `seller` through the loan services, disbursed `days_ago` days ago (found
    again by its idempotency key when the demo runs twice)."""
    applied = finance_services.loan_apply(
        actor=seller.owner,
        seller_id=seller.pk,
        product_id=product.pk,
        amount=product.min_amount,
        periods=product.min_periods,
        purpose="demo",
        idempotency_key=key,
    )
    loan = applied.loan
    if loan.status == Loan.Status.SUBMITTED:
        loan = finance_services.loan_approve(
            actor=officer, loan_id=loan.pk, amount=product.min_amount
        )
    if loan.status in (Loan.Status.APPROVED, Loan.Status.DISBURSED):
        loan = finance_services.loan_disburse(
            actor=officer,
            loan_id=loan.pk,
            on=timezone.localdate() - datetime.timedelta(days=days_ago),
        )
    return loan


def _cash(officer: Any, station_id: int, loan: Loan, amount: Decimal, reference: str) -> int:
    if amount <= 0:
        return 0
    finance_services.loan_repay(
        actor=officer,
        loan_id=loan.pk,
        amount=amount,
        channel="cash",
        reference=reference,
        station_id=station_id,
        on=timezone.localdate(),
    )
    return 1


def _owing(loan: Loan, *, due_by: datetime.date | None = None) -> Decimal:
    rows = Instalment.objects.filter(loan=loan)
    if due_by is not None:
        rows = rows.filter(due_date__lte=due_by)
    return sum((instalment_owing(row) for row in rows), Decimal("0.00"))


_CLOSED_KEY = "demo-repaid-in-full"
_ARREARS_KEY = "demo-in-arrears"


def _first_instalment_paid(officer: Any, station_id: int, loan: Loan) -> int:
    """Pay what is due on a running demo loan, or else its first instalment early."""
    reference = f"demo:first:{loan.pk}"
    if Repayment.objects.filter(reference=reference).exists():
        return 0
    amount = _owing(loan, due_by=timezone.localdate())
    if amount <= 0:
        first = Instalment.objects.filter(loan=loan).order_by("number").first()
        amount = instalment_owing(first) if first is not None else Decimal("0.00")
    return _cash(officer, station_id, loan, amount, reference)


def _keyed(key: str) -> Loan | None:
    return Loan.objects.filter(idempotency_key__endswith=f":{key}").first()


def _free_sellers(officer: Any) -> list[Any]:
    """Approved demo shops with no loan open or running (one open application per shop)."""
    ended = (Loan.Status.CLOSED, Loan.Status.REJECTED, Loan.Status.WITHDRAWN)
    busy = set(Loan.objects.exclude(status__in=ended).values_list("seller_id", flat=True))
    return [
        seller
        for seller in sellers_list(status="approved").select_related("owner")
        if seller.pk not in busy and seller.owner_id != officer.pk
    ]


@transaction.atomic
def repayments_demo_load() -> dict[str, int]:
    """Repayments in the demo: the first instalment of each running demo loan paid in cash at
    the county service centre; one loan repaid in full (closed); one loan disbursed 75 days
    ago left unpaid, so it is in the 31-60 days bucket with its late fee charged and its
    reminder text queued. Safe to run again (fixed references and idempotency keys)."""
    officer = _officer()
    centres = stations_list(kind="service_centre") or stations_list()
    products = LoanProduct.objects.filter(is_active=True, frequency="monthly").order_by("pk")
    product = products.first()
    if officer is None or not centres or product is None:
        return {"repayments": 0, "closed": 0, "in_arrears": 0, "reminders": 0}
    station_id = centres[0].id
    repayments = 0
    mine = [loan.pk for loan in (_keyed(_CLOSED_KEY), _keyed(_ARREARS_KEY)) if loan is not None]
    running = Loan.objects.filter(status=Loan.Status.ACTIVE).exclude(pk__in=mine).order_by("pk")
    for loan in running:
        repayments += _first_instalment_paid(officer, station_id, loan)
    # The demo officer approves the demo loans below: their limit covers the smallest amount.
    OfficerLimit.objects.get_or_create(user=officer, defaults={"max_amount": product.max_amount})
    free = _free_sellers(officer)
    closed_loan = _keyed(_CLOSED_KEY)
    if closed_loan is None and free:
        closed_loan = _demo_loan(
            officer=officer,
            seller=free.pop(0),
            product=product,
            key=_CLOSED_KEY,
            days_ago=_CLOSED_DISBURSED_DAYS_AGO,
        )
    if closed_loan is not None and closed_loan.status == Loan.Status.ACTIVE:
        reference = f"demo:all:{closed_loan.pk}"
        repayments += _cash(officer, station_id, closed_loan, _owing(closed_loan), reference)
    late_loan = _keyed(_ARREARS_KEY)
    if late_loan is None and free:
        late_loan = _demo_loan(
            officer=officer,
            seller=free.pop(0),
            product=product,
            key=_ARREARS_KEY,
            days_ago=_ARREARS_DISBURSED_DAYS_AGO,
        )
    finance_services.late_fees_charge()
    reminders = finance_services.loan_reminders_queue()
    return {
        "repayments": repayments,
        "closed": Loan.objects.filter(status=Loan.Status.CLOSED).count(),
        "in_arrears": int(late_loan is not None),
        "reminders": reminders,
    }


# --- Settlement and payouts (the payouts work) ---------------------------------------------------


def payouts_demo_load() -> dict[str, int]:
    """Settlement and payouts in the demo: where the first demo shops are paid (the first by a
    bank batch file, the second by the simulated provider with an account the simulated bank
    refuses, to show a payout returned to the balance; the rest simulated, the default), then
    today's settlement of completed sales. The payout run itself is left to the daily job or
    to the programme manager's "Run payouts now" button, so the demo's loan in arrears stays
    in arrears (a run deducts instalments due). Safe to run again."""
    from xiangcun.finance.models import PayoutAccount

    shops = list(sellers_list())[:2]
    accounts = 0
    for index, shop in enumerate(shops):
        defaults: dict[str, Any] = {
            "method": "bank",
            "account_name": shop.name[:64],
            "account_number": f"62170024{shop.pk:010d}"[-19:],
            "bank_name": "贵州丹寨农村商业银行",
            "set_by_id": shop.owner_id,
        }
        if index == 1:
            defaults = {
                "method": "simulated",
                "account_number": "6217002400000000",
                "set_by_id": shop.owner_id,
            }
        _account, created = PayoutAccount.objects.get_or_create(seller=shop, defaults=defaults)
        accounts += int(created)
    settled = finance_services.settlement_run()
    return {"payout_accounts": accounts, "settled": settled.settled}


# --- Loans: products, credit rules, officer limits, applications (the loans work) -------------

_DEMO_OFFICER_PHONE = "13800000010"  # the demo loan officer (accounts' DEMO_NAMES, role order)
_SECOND_OFFICER_PHONE = "13900000010"
_SECOND_OFFICER_NAME = "覃晓梅"
_DEMO_SELLER_PHONE = "13800000003"

_DEMO_PRODUCTS: tuple[dict[str, Any], ...] = (
    {
        "code": "spring-planting",
        "name": "春耕贷",
        "name_en": "Spring planting loan",
        "min_amount": Decimal("1000"),
        "max_amount": Decimal("20000"),
        "min_periods": 3,
        "max_periods": 12,
        "frequency": "monthly",
        "annual_rate": Decimal("12"),
        "interest_method": "declining",
        "amortization": "equal_installments",
        "fee_flat": Decimal("10"),
        "late_fee": Decimal("20"),
    },
    {
        "code": "working-capital",
        "name": "周转贷",
        "name_en": "Working capital loan",
        "min_amount": Decimal("500"),
        "max_amount": Decimal("5000"),
        "min_periods": 4,
        "max_periods": 26,
        "frequency": "weekly",
        "annual_rate": Decimal("10"),
        "interest_method": "flat",
        "amortization": "equal_installments",
        "multiple": 1,
        "fee_percent": Decimal("1"),
    },
    {
        "code": "equipment",
        "name": "农机贷",
        "name_en": "Farm equipment loan",
        "min_amount": Decimal("5000"),
        "max_amount": Decimal("50000"),
        "min_periods": 6,
        "max_periods": 24,
        "frequency": "monthly",
        "annual_rate": Decimal("9.6"),
        "interest_method": "declining",
        "amortization": "equal_principal",
        "grace_principal": 2,
    },
)

# (factor, comparison, threshold, points, reason): staff change them in the admin.
_DEMO_RULES: tuple[tuple[str, str, Decimal, int, str], ...] = (
    ("months_selling", "gte", Decimal(6), 40, "steady_seller"),
    ("months_selling", "lt", Decimal(3), 0, "new_seller"),
    ("sales_trend", "gte", Decimal(10), 10, "sales_growing"),
    ("sales_trend", "lt", Decimal(-20), -10, "sales_falling"),
    ("returns_rate", "gte", Decimal(10), -15, "high_returns"),
    ("loans_closed", "gte", Decimal(1), 20, "repaid_before"),
    ("max_days_late", "gte", Decimal(30), -30, "late_before"),
    ("certificates", "gte", Decimal(1), 10, "trained"),
)


def _loan_officers(password: str) -> tuple[Any, Any]:
    from xiangcun.accounts.selectors import user_by_phone
    from xiangcun.accounts.services import role_grant, user_for_phone, user_register

    first = user_by_phone(phone=_DEMO_OFFICER_PHONE)
    second = user_by_phone(phone=_SECOND_OFFICER_PHONE)
    if second is None:
        second = (
            user_register(phone=_SECOND_OFFICER_PHONE, password=password, name=_SECOND_OFFICER_NAME)
            if password
            else user_for_phone(phone=_SECOND_OFFICER_PHONE, name=_SECOND_OFFICER_NAME)
        )
    role_grant(user=second, role=Role.LOAN_OFFICER)
    return first, second


def _loan_step(loan: Loan, state: str, officer: Any, second: Any) -> Loan:
    """Move a new demo application to the state it shows."""
    if state == "more_info":
        return finance_services.loan_ask_more(
            actor=officer, loan_id=loan.pk, note="请上传去年的合作社收购单据。"
        )
    if state == "rejected":
        return finance_services.loan_decline(
            actor=officer, loan_id=loan.pk, reason="近三个月退货较多，请三个月后再申请。"
        )
    if state == "withdrawn":
        return finance_services.loan_withdraw(actor=loan.submitted_by, loan_id=loan.pk)
    if state == "submitted":
        return loan
    # Above the first officer's ¥10,000 limit: the second officer confirms (four eyes).
    loan = finance_services.loan_approve(
        actor=officer, loan_id=loan.pk, amount=loan.requested_amount
    )
    if finance_services.awaiting_second_officer(loan):
        loan = finance_services.loan_approve(
            actor=second, loan_id=loan.pk, amount=loan.requested_amount
        )
    if state == "approved":
        return loan
    days = 200 if state == "written_off" else 20
    loan = finance_services.loan_disburse(
        actor=officer, loan_id=loan.pk, on=timezone.localdate() - datetime.timedelta(days=days)
    )
    write_off = getattr(finance_services, "loan_write_off", None)
    if state == "written_off" and write_off is not None:
        loan = write_off(actor=officer, loan_id=loan.pk, reason="店铺停业，联系不上。")
    return loan


# state: (amount, periods, product code, purpose)
_DEMO_LOANS: tuple[tuple[str, Decimal, int, str, str], ...] = (
    ("active", Decimal("6000"), 6, "spring-planting", "买化肥和稻种"),
    ("submitted", Decimal("5000"), 6, "spring-planting", "扩建蜂箱"),
    ("more_info", Decimal("3000"), 8, "working-capital", "收购村里的腊肉"),
    ("approved", Decimal("15000"), 12, "spring-planting", "建小型烘干房"),
    ("rejected", Decimal("2000"), 6, "working-capital", "进货"),
    ("withdrawn", Decimal("4000"), 6, "spring-planting", "买包装材料"),
    ("written_off", Decimal("2000"), 3, "spring-planting", "租地"),
)


def _loan_by_key(key: str) -> Loan | None:
    return Loan.objects.filter(idempotency_key__endswith=f":{key}").first()


def _demo_shops(officer_ids: set[int]) -> list[Any]:
    """Approved shops, the demo seller's first (their login shows the running loan)."""
    shops = [
        s
        for s in sellers_list(status="approved").select_related("owner")
        if s.owner_id not in officer_ids
    ]
    return sorted(shops, key=lambda s: (getattr(s.owner, "phone", "") != _DEMO_SELLER_PHONE, s.pk))


@transaction.atomic
def loans_demo_load(*, password: str = "") -> dict[str, int]:
    """Loans in the demo (runs before the repayments part): three products (春耕贷 monthly 12 %
    declining, 周转贷 weekly flat, 农机贷 monthly equal principal with two months' grace), the
    credit rules, limits for the demo loan officer (¥10,000) and a second officer (¥50,000;
    a login with `password` when given, else by text message), and one application in each
    state the loans work makes: submitted, more information asked, approved (by two officers,
    above the first one's limit), declined, withdrawn, active (the demo seller's, disbursed 20
    days ago) and written off. The repayments part adds the closed loan and the one in arrears.
    Safe to run again: products and rules by code, loans by idempotency key."""
    from xiangcun.finance.models import CreditRule

    products = {}
    for spec in _DEMO_PRODUCTS:
        product, _created = LoanProduct.objects.get_or_create(code=spec["code"], defaults=spec)
        products[product.code] = product
    for factor, comparison, threshold, points, reason in _DEMO_RULES:
        CreditRule.objects.get_or_create(
            factor=factor,
            comparison=comparison,
            threshold=threshold,
            defaults={"points": points, "reason": reason},
        )
    officer, second = _loan_officers(password)
    if officer is None:
        return {"loan_products": len(products), "loans": 0}
    OfficerLimit.objects.get_or_create(user=officer, defaults={"max_amount": Decimal("10000")})
    OfficerLimit.objects.get_or_create(user=second, defaults={"max_amount": Decimal("50000")})
    shops = _demo_shops({officer.pk, second.pk})
    made = 0
    for index, (state, amount, periods, code, purpose) in enumerate(_DEMO_LOANS):
        key = f"demo-loan-{state.replace('_', '-')}"
        if _loan_by_key(key) is not None or index >= len(shops):
            continue
        shop = shops[index]
        applied = finance_services.loan_apply(
            actor=shop.owner,
            seller_id=shop.pk,
            product_id=products[code].pk,
            amount=amount,
            periods=periods,
            purpose=purpose,
            idempotency_key=key,
        )
        _loan_step(applied.loan, state, officer, second)
        made += 1
    return {"loan_products": len(products), "loans": made}
