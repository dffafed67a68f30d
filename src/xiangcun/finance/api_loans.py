"""The loans API under /api/v1/finance/: products, applications, loans with their assessment
and schedule, and the officer's decisions and disbursement.

Errors answer `{"code", "message"}`: loan_not_found / loan_product_not_found 404;
permission_denied, own_application, above_approval_limit, second_officer_required 403;
open_application_exists, invalid_loan_move 409; invalid_loan_application, invalid_loan_terms
400 (a bad amount, rate or term names its `field`). Amounts are strings in yuan ("5000.00").
"""

import datetime
from decimal import Decimal
from typing import Any

from django.http import HttpRequest
from ninja import Query, Router, Schema, Status
from pydantic import Field

from xiangcun.accounts.auth import ApiTokenAuth, api_user
from xiangcun.core.api import ErrorOut, Id, Int64, Text
from xiangcun.finance import selectors, services
from xiangcun.finance.errors import InvalidLoanApplicationError
from xiangcun.finance.models import Loan, LoanProduct

router = Router(auth=ApiTokenAuth())
ERRORS: dict[int, Any] = dict.fromkeys((400, 401, 403, 404, 409, 422), ErrorOut)
# A number or a string for money: the service reads it as Decimal and refuses what is absurd.
Amount = int | float | Text


def _decimal(value: Amount, field: str = "amount") -> Decimal:
    try:
        return Decimal(str(value)[:40])
    except ArithmeticError:
        raise InvalidLoanApplicationError(field=field) from None


class LoanProductOut(Schema):
    id: int
    code: str
    name: str
    name_en: str
    min_amount: str
    max_amount: str
    min_periods: int
    max_periods: int
    frequency: str
    annual_rate: str
    interest_method: str
    amortization: str
    grace_principal: int
    fee_flat: str
    fee_percent: str


class LoanApplicationIn(Schema):
    seller: Id
    product: Id
    amount: Amount
    periods: Int64
    purpose: Text = Field("", max_length=400)
    idempotency_key: Text = Field("", max_length=64)


class ReasonOut(Schema):
    code: str
    text: str
    points: int


class AssessmentOut(Schema):
    score: int
    suggested_limit: str
    reasons: list[ReasonOut]
    computed_at: datetime.datetime


class LoanOut(Schema):
    id: int
    number: str
    seller: int
    product: int
    status: str
    requested_amount: str
    requested_periods: int
    purpose: str
    principal: str | None
    periods: int | None
    annual_rate: str | None
    decision_note: str
    applicant_note: str
    awaiting_second_officer: bool
    submitted_at: datetime.datetime
    approved_at: datetime.datetime | None
    disbursed_at: datetime.datetime | None
    assessment: AssessmentOut | None = None
    duplicate: bool = False


class ScheduleRowOut(Schema):
    n: int
    due: datetime.date
    principal: str
    interest: str
    total: str
    outstanding: str
    paid: bool


class ScheduleOut(Schema):
    loan: int
    preview: bool
    rows: list[ScheduleRowOut]
    total_interest: str


class LoanFilterIn(Schema):
    status: Text = Field("", max_length=20)


class ApproveIn(Schema):
    amount: Amount
    product: Id | None = None
    periods: Int64 | None = None


class LoanNoteIn(Schema):
    note: Text = Field(max_length=1000)


class ReasonIn(Schema):
    reason: Text = Field(max_length=1000)


class DisburseIn(Schema):
    on: datetime.date | None = None


def _money(value: Decimal | None) -> str | None:
    return None if value is None else f"{value:.2f}"


def _product_out(row: LoanProduct) -> LoanProductOut:
    return LoanProductOut(
        id=row.pk,
        code=row.code,
        name=row.name,
        name_en=row.name_en,
        min_amount=f"{row.min_amount:.2f}",
        max_amount=f"{row.max_amount:.2f}",
        min_periods=row.min_periods,
        max_periods=row.max_periods,
        frequency=row.frequency,
        annual_rate=f"{row.annual_rate:.3f}",
        interest_method=row.interest_method,
        amortization=row.amortization,
        grace_principal=row.grace_principal,
        fee_flat=f"{row.fee_flat:.2f}",
        fee_percent=f"{row.fee_percent:.2f}",
    )


def _assessment_out(loan: Loan) -> AssessmentOut | None:
    assessment = selectors.assessment_latest(loan=loan)
    if assessment is None:
        return None
    texts = selectors.assessment_reasons(assessment=assessment)
    codes = [str(row.get("code", "")) for row in assessment.reasons if isinstance(row, dict)]
    return AssessmentOut(
        score=assessment.score,
        suggested_limit=f"{assessment.suggested_limit:.2f}",
        reasons=[
            ReasonOut(code=code, text=text, points=points)
            for code, (text, points) in zip(codes, texts, strict=False)
        ],
        computed_at=assessment.computed_at,
    )


def _loan_out(loan: Loan, *, detail: bool = False, duplicate: bool = False) -> LoanOut:
    return LoanOut(
        id=loan.pk,
        number=loan.number,
        seller=loan.seller_id,
        product=loan.product_id,
        status=loan.status,
        requested_amount=f"{loan.requested_amount:.2f}",
        requested_periods=loan.requested_periods,
        purpose=loan.purpose,
        principal=_money(loan.principal),
        periods=loan.periods,
        annual_rate=None if loan.annual_rate is None else f"{loan.annual_rate:.3f}",
        decision_note=loan.decision_note,
        applicant_note=loan.applicant_note,
        awaiting_second_officer=services.awaiting_second_officer(loan),
        submitted_at=loan.submitted_at,
        approved_at=loan.approved_at,
        disbursed_at=loan.disbursed_at,
        assessment=_assessment_out(loan) if detail else None,
        duplicate=duplicate,
    )


@router.get(
    "/loan-products", response={200: list[LoanProductOut], **ERRORS}, summary="Loan products"
)
def loan_products(request: HttpRequest) -> list[LoanProductOut]:
    return [_product_out(row) for row in selectors.loan_products_offered()]


@router.get(
    "/loans/applications",
    response={200: list[LoanOut], **ERRORS},
    summary="Open applications: your shops' (sellers, agents) or the officer's queue",
)
def applications_list(request: HttpRequest) -> list[LoanOut]:
    user = api_user(request)
    if selectors.loan_is_officer(user=user):
        return [_loan_out(row.loan) for row in selectors.officer_queue(user=user)]
    open_statuses = {Loan.Status.SUBMITTED, Loan.Status.MORE_INFO}
    return [_loan_out(row) for row in selectors.loans_of(user=user) if row.status in open_statuses]


@router.post(
    "/loans/applications",
    response={200: LoanOut, 201: LoanOut, **ERRORS},
    summary="Apply for a loan for your shop (or, as an agent, a farmer's shop)",
)
def application_create(request: HttpRequest, payload: LoanApplicationIn) -> Status[LoanOut]:
    result = services.loan_apply(
        actor=api_user(request),
        seller_id=payload.seller,
        product_id=payload.product,
        amount=_decimal(payload.amount),
        periods=payload.periods,
        purpose=payload.purpose,
        idempotency_key=payload.idempotency_key,
    )
    body = _loan_out(result.loan, detail=True, duplicate=not result.created)
    return Status(201 if result.created else 200, body)


@router.get("/loans", response={200: list[LoanOut], **ERRORS}, summary="Loans you may see")
def loans_list(request: HttpRequest, filters: Query[LoanFilterIn]) -> list[LoanOut]:
    user = api_user(request)
    if selectors.loan_is_officer(user=user):
        rows = selectors.loans_all(user=user, status=filters.status)
    else:
        rows = [
            r
            for r in selectors.loans_of(user=user)
            if r.status == filters.status or not filters.status
        ]
    return [_loan_out(row) for row in rows]


@router.get(
    "/loans/{loan_id}",
    response={200: LoanOut, **ERRORS},
    summary="One loan with its assessment (its applicant, the shop, or an officer)",
)
def loan_detail(request: HttpRequest, loan_id: Id) -> LoanOut:
    return _loan_out(selectors.loan_for(user=api_user(request), loan_id=loan_id), detail=True)


@router.get(
    "/loans/{loan_id}/schedule",
    response={200: ScheduleOut, **ERRORS},
    summary="The repayment schedule (a preview until the loan is disbursed)",
)
def loan_schedule(request: HttpRequest, loan_id: Id) -> ScheduleOut:
    loan = selectors.loan_for(user=api_user(request), loan_id=loan_id)
    lines = selectors.loan_schedule_lines(loan=loan)
    return ScheduleOut(
        loan=loan.pk,
        preview=not loan.instalments.exists(),
        rows=[
            ScheduleRowOut(
                n=line.n,
                due=line.due,
                principal=f"{line.principal:.2f}",
                interest=f"{line.interest:.2f}",
                total=f"{line.total:.2f}",
                outstanding=f"{line.outstanding:.2f}",
                paid=line.paid,
            )
            for line in lines
        ],
        total_interest=f"{sum((line.interest for line in lines), Decimal(0)):.2f}",
    )


@router.post(
    "/loans/{loan_id}/approve", response={200: LoanOut, **ERRORS}, summary="Approve (officers)"
)
def loan_approve(request: HttpRequest, loan_id: Id, payload: ApproveIn) -> LoanOut:
    loan = services.loan_approve(
        actor=api_user(request),
        loan_id=loan_id,
        amount=_decimal(payload.amount),
        product_id=payload.product,
        periods=payload.periods,
    )
    return _loan_out(loan, detail=True)


@router.post(
    "/loans/{loan_id}/decline", response={200: LoanOut, **ERRORS}, summary="Decline (officers)"
)
def loan_decline(request: HttpRequest, loan_id: Id, payload: ReasonIn) -> LoanOut:
    loan = services.loan_decline(actor=api_user(request), loan_id=loan_id, reason=payload.reason)
    return _loan_out(loan)


@router.post(
    "/loans/{loan_id}/more-info",
    response={200: LoanOut, **ERRORS},
    summary="Ask the applicant for more information (officers)",
)
def loan_more_info(request: HttpRequest, loan_id: Id, payload: LoanNoteIn) -> LoanOut:
    loan = services.loan_ask_more(actor=api_user(request), loan_id=loan_id, note=payload.note)
    return _loan_out(loan)


@router.post(
    "/loans/{loan_id}/answer",
    response={200: LoanOut, **ERRORS},
    summary="Answer the officer's question; the application is submitted again",
)
def loan_answer(request: HttpRequest, loan_id: Id, payload: LoanNoteIn) -> LoanOut:
    loan = services.loan_answer(actor=api_user(request), loan_id=loan_id, note=payload.note)
    return _loan_out(loan, detail=True)


@router.post(
    "/loans/{loan_id}/withdraw",
    response={200: LoanOut, **ERRORS},
    summary="Withdraw an application before disbursement (the applicant)",
)
def loan_withdraw(request: HttpRequest, loan_id: Id) -> LoanOut:
    return _loan_out(services.loan_withdraw(actor=api_user(request), loan_id=loan_id))


@router.post(
    "/loans/{loan_id}/disburse",
    response={200: LoanOut, **ERRORS},
    summary="Disburse an approved loan to the seller's balance (officers; idempotent)",
)
def loan_disburse(request: HttpRequest, loan_id: Id, payload: DisburseIn | None = None) -> LoanOut:
    on = payload.on if payload is not None else None
    return _loan_out(services.loan_disburse(actor=api_user(request), loan_id=loan_id, on=on))
