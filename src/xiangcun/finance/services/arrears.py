"""Arrears work: the late fee charged once per overdue instalment, the reminder texts before
and after a due date, and writing a loan off.

Late fee: the product's `late_fee` is added to an instalment's penalty once it is more than
the product's `late_fee_after_days` days overdue, once per instalment (a LateFee row, unique
per instalment). Nothing is posted then: like interest and fees, a penalty is income when it
is paid (cash basis), so an unpaid penalty never inflates income or the receivable.

Write-off: the principal still owed leaves the books, Dr loan_loss_expense / Cr
loan_receivable:<loan> (kind `write_off`, reference `write_off:loan:<id>`); unpaid interest,
fees and penalties were never booked, so nothing else moves. Money recovered later is still
allocated and posted (its principal part credited to loan_loss_expense), and the loan closes
when nothing is owed.
"""

import datetime
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import formats, timezone
from django.utils.translation import gettext

from xiangcun.accounts.services import sms_queue
from xiangcun.accounts.types import AnyUser
from xiangcun.core.validators import text_field
from xiangcun.finance.errors import InvalidRepaymentError, NothingToWriteOffError
from xiangcun.finance.models import Instalment, LateFee, Loan, LoanAction, LoanReminder
from xiangcun.finance.selectors.arrears import (
    days_past_due,
    instalment_owing,
    officer_check,
)
from xiangcun.finance.services.repayments import _loan_locked
from xiangcun.ledger.services import entry_post
from xiangcun.ledger.types import LOAN_LOSS_EXPENSE, EntryKind, loan_receivable_account

LOAN_REMINDER_SMS = "finance_loan_reminder"
RUNNING = (Loan.Status.DISBURSED, Loan.Status.ACTIVE)
# Days late at which a text goes, highest first, and the reminder kind of each.
LATE_STEPS = (
    (30, LoanReminder.Kind.LATE_30),
    (7, LoanReminder.Kind.LATE_7),
    (1, LoanReminder.Kind.LATE_1),
)
DEFAULT_DAYS_BEFORE = 3


def reminder_days_before() -> int:
    return int(getattr(settings, "FINANCE_REMINDER_DAYS_BEFORE", DEFAULT_DAYS_BEFORE))


# --- Late fees ----------------------------------------------------------------------------------


def _late_fee_charge_one(instalment: Instalment, *, fee: Decimal, on: datetime.date) -> bool:
    with transaction.atomic():
        loan = _loan_locked(instalment.loan_id)
        if loan.status not in RUNNING:
            return False
        row = Instalment.objects.select_for_update().get(pk=instalment.pk)
        if instalment_owing(row) <= 0 or LateFee.objects.filter(instalment=row).exists():
            return False
        try:
            with transaction.atomic():
                LateFee.objects.create(instalment=row, amount=fee, charged_on=on)
        except IntegrityError:
            return False
        row.penalty += fee
        row.save(update_fields=["penalty"])
        LoanAction.objects.create(
            loan=loan,
            code="late_fee",
            params={"instalment": row.number, "amount": str(fee), "on": on.isoformat()},
        )
    return True


def late_fees_charge(*, on: datetime.date | None = None) -> int:
    """Charge the product's late fee on every instalment of a running loan that is more than
    `late_fee_after_days` days overdue and still owing, once each. Returns how many."""
    on = on or timezone.localdate()
    charged = 0
    candidates = (
        Instalment.objects.filter(
            loan__status__in=RUNNING,
            paid_at__isnull=True,
            due_date__lt=on,
            late_fee__isnull=True,
            loan__product__late_fee__gt=0,
        )
        .select_related("loan__product")
        .order_by("loan_id", "number")
    )
    for instalment in candidates:
        product = instalment.loan.product
        if (on - instalment.due_date).days <= product.late_fee_after_days:
            continue
        if _late_fee_charge_one(instalment, fee=product.late_fee, on=on):
            charged += 1
    return charged


# --- Reminders ----------------------------------------------------------------------------------


def _phone(loan: Loan) -> str:
    return str(loan.seller.phone or loan.seller.owner.phone)


def _reminder_queue(loan: Loan, instalment: Instalment, kind: str) -> bool:
    """Record the reminder (once per instalment and kind) and queue its text on commit."""
    phone = _phone(loan)
    if not phone:
        return False
    try:
        with transaction.atomic():
            reminder = LoanReminder.objects.create(loan=loan, instalment=instalment, kind=kind)
            sms_queue(phone=phone, kind=LOAN_REMINDER_SMS, params={"reminder_id": reminder.pk})
    except IntegrityError:
        return False
    return True


def _late_kind(days: int) -> str | None:
    for threshold, kind in LATE_STEPS:
        if days >= threshold:
            return kind
    return None


@transaction.atomic
def loan_reminders_queue(*, on: datetime.date | None = None) -> int:
    """Queue the reminder texts due on `on`: for an instalment falling due within
    FINANCE_REMINDER_DAYS_BEFORE days (default 3), and for a loan 1, 7 or 30 days late (the
    latest step reached, about its oldest instalment owing). Each goes once. The task carries
    the reminder's id only; the text is written when it is sent, in the person's language."""
    on = on or timezone.localdate()
    queued = 0
    loans = (
        Loan.objects.filter(status__in=RUNNING)
        .select_related("seller", "seller__owner")
        .prefetch_related("instalments", "reminders")
        .order_by("pk")
    )
    horizon = on + datetime.timedelta(days=reminder_days_before())
    for loan in loans:
        schedule = sorted(loan.instalments.all(), key=lambda row: row.number)
        sent = {(row.instalment_id, row.kind) for row in loan.reminders.all()}
        owing = [row for row in schedule if instalment_owing(row) > 0]
        for row in owing:
            if on < row.due_date <= horizon and (row.pk, LoanReminder.Kind.BEFORE) not in sent:
                queued += _reminder_queue(loan, row, LoanReminder.Kind.BEFORE)
        overdue = [row for row in owing if row.due_date < on]
        if not overdue:
            continue
        kind = _late_kind(days_past_due(schedule, on))
        oldest = overdue[0]
        if kind is not None and (oldest.pk, kind) not in sent:
            queued += _reminder_queue(loan, oldest, kind)
    return queued


def loan_reminder_sms(phone: str, params: Mapping[str, Any]) -> str | None:
    """The text of a loan reminder, written at send time in the reader's language; None when
    the instalment was paid meanwhile (or the reminder is not this phone's)."""
    reminder = (
        LoanReminder.objects.select_related("loan__seller__owner", "instalment")
        .filter(pk=int(params["reminder_id"]))
        .first()
    )
    if reminder is None or _phone(reminder.loan) != phone:
        return None
    loan, instalment = reminder.loan, reminder.instalment
    if loan.status not in RUNNING or instalment_owing(instalment) <= 0:
        return None
    values = {
        "number": loan.number,
        "amount": f"{instalment_owing(instalment):.2f}",
        "due": formats.date_format(instalment.due_date, "SHORT_DATE_FORMAT"),
    }
    if reminder.kind == LoanReminder.Kind.BEFORE:
        return (
            gettext(
                "Xiangcun loan %(number)s: ¥%(amount)s falls due on %(due)s. Pay by WeChat or in "
                "cash at your service centre."
            )
            % values
        )
    overdue = sum(
        (
            instalment_owing(row)
            for row in loan.instalments.all()
            if row.due_date < timezone.localdate()
        ),
        Decimal("0.00"),
    )
    values["amount"] = f"{max(overdue, instalment_owing(instalment)):.2f}"
    return (
        gettext(
            "Xiangcun loan %(number)s: ¥%(amount)s is overdue since %(due)s. Please pay soon, or "
            "talk to your loan officer."
        )
        % values
    )


# --- Write-off ----------------------------------------------------------------------------------


@transaction.atomic
def loan_write_off(*, actor: AnyUser, loan_id: int, reason: str) -> Loan:
    """A loan officer writes a running loan off, with a reason: the principal still owed is
    posted to loan_loss_expense and the loan becomes written_off (recorded as a LoanAction
    with who, when, why and how much)."""
    officer_check(actor)
    reason = text_field(
        reason, field="reason", max_length=300, non_text_as_empty=True, error=InvalidRepaymentError
    )
    loan = _loan_locked(loan_id)
    if loan.status not in RUNNING:
        raise NothingToWriteOffError
    principal = sum(
        (row.principal - row.principal_paid for row in Instalment.objects.filter(loan=loan)),
        Decimal("0.00"),
    )
    if principal <= 0:
        raise NothingToWriteOffError
    entry_post(
        kind=EntryKind.WRITE_OFF,
        reference=f"write_off:loan:{loan.pk}",
        lines=[(LOAN_LOSS_EXPENSE, principal), (loan_receivable_account(loan.pk), -principal)],
        memo=f"loan {loan.number} written off",
    )
    loan.status = Loan.Status.WRITTEN_OFF
    loan.closed_at = timezone.now()
    loan.save(update_fields=["status", "closed_at", "updated_at"])
    LoanAction.objects.create(
        loan=loan,
        code="written_off",
        params={"reason": reason, "principal": str(principal)},
        actor_id=actor.pk,
    )
    return loan
