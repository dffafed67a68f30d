"""Payout runs: what is available to each seller leaves through a payout provider.

A run, in one transaction: one run a day (PayoutRun.on is unique: a second run, even racing
from another process, waits and is refused), then per seller with a positive available
balance (locked): the loan instalments due are deducted (`loan_deduct_from_payout`, which
posts the repayment), and the rest is booked out, PAYOUT "payout:<id>" (Dr seller_available,
Cr payout_clearing:<provider>). Only after commit is each provider called; its answer is then
recorded idempotently:
- paid: PAYOUT_SETTLED "payout-settled:<id>" (Dr payout_clearing, Cr bank:operating);
- sent (bank file, WeChat still processing): confirmed later by staff or by the query job;
- failed for good: the PAYOUT entry is reversed ("payout-return:<id>"), the money is back in
  the seller's available balance, the payout is returned;
- not reached (PayoutTransientError): tried again by the periodic job with backoff, with the
  same idempotency key, so the provider pays once however often it is asked. After
  MAX_ATTEMPTS the payout is failed and waits for staff: retry, or return to the balance.
"""

import datetime
import logging
from decimal import Decimal

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext

from xiangcun.accounts.types import AnyUser
from xiangcun.finance.errors import (
    FinancePermissionDeniedError,
    PayoutNotFoundError,
    PayoutRunExistsError,
    PayoutStateError,
)
from xiangcun.finance.models import Payout, PayoutAccount, PayoutMethod, PayoutRun
from xiangcun.finance.providers import (
    PayoutOrder,
    PayoutOutcome,
    PayoutTransientError,
    provider_for,
)
from xiangcun.finance.providers.bank import bank_file_name
from xiangcun.finance.services.repayments import loan_deduct_from_payout
from xiangcun.ledger.selectors import entries_for_reference, sellers_available_positive
from xiangcun.ledger.services import account_lock, entry_post, entry_reverse
from xiangcun.ledger.types import (
    BANK_OPERATING,
    EntryKind,
    payout_clearing_account,
    seller_available_account,
)
from xiangcun.sellers.selectors import user_has_permission

logger = logging.getLogger(__name__)

RUN_PERMISSION = "finance.run_payouts"
MAX_ATTEMPTS = 6
# Waits before the next attempt: 1, 5, 15, 60, 240 minutes.
BACKOFF_MINUTES = (1, 5, 15, 60, 240)
# A pending payout nobody tried for this long (the process died between commit and call) is
# picked up by the periodic job.
STALE_PENDING = datetime.timedelta(minutes=5)


def payouts_permitted(*, user: AnyUser) -> bool:
    """Finance staff (programme managers hold finance.run_payouts) and superusers."""
    return bool(user.is_authenticated and user_has_permission(user=user, permission=RUN_PERMISSION))


def _require_staff(actor: AnyUser) -> None:
    if not payouts_permitted(user=actor):
        raise FinancePermissionDeniedError


def default_method() -> str:
    method = str(getattr(settings, "FINANCE_PAYOUT_DEFAULT_METHOD", PayoutMethod.SIMULATED))
    return method if method in PayoutMethod.values else PayoutMethod.SIMULATED


def _order_of(payout: Payout) -> PayoutOrder:
    return PayoutOrder(
        key=payout.idempotency_key,
        amount=payout.amount,
        memo=gettext("Xiangcun sales %(day)s") % {"day": payout.run.on.isoformat()},
        account_name=payout.account_name,
        account_number=payout.account_number,
        bank_name=payout.bank_name,
        openid=payout.openid,
    )


def payout_order(*, payout: Payout) -> PayoutOrder:
    """The payout as its provider (or the bank file) sees it."""
    return _order_of(payout)


# --- the run ------------------------------------------------------------------------------


def payout_run(*, actor: AnyUser | None, on: datetime.date | None = None) -> PayoutRun:
    """Pay every seller what is available to them (less loan instalments due). `actor` None
    is the periodic job; a person must be finance staff. PayoutRunExistsError when today's run
    was made."""
    if actor is not None:
        _require_staff(actor)
    on = on or timezone.localdate()
    run, payout_ids = _run_book(actor=actor, on=on)
    for payout_id in payout_ids:
        try:
            payout_send(payout_id=payout_id)
        except Exception:
            # Booked and committed: the periodic job tries it again (it is pending).
            logger.exception("payout %s could not be sent", payout_id)
    PayoutRun.objects.filter(pk=run.pk).update(
        status=PayoutRun.Status.DONE, finished_at=timezone.now()
    )
    run.refresh_from_db()
    return run


@transaction.atomic
def _run_book(*, actor: AnyUser | None, on: datetime.date) -> tuple[PayoutRun, list[int]]:
    try:
        with transaction.atomic():
            run = PayoutRun.objects.create(
                on=on, started_by=actor if actor is not None and actor.is_authenticated else None
            )
    except IntegrityError as exc:
        raise PayoutRunExistsError from exc
    accounts = {
        account.seller_id: account
        for account in PayoutAccount.objects.filter(seller_id__in=sellers_available_positive())
    }
    payout_ids: list[int] = []
    for seller_id in sellers_available_positive():
        payout = _seller_book(run=run, seller_id=seller_id, account=accounts.get(seller_id))
        if payout is not None:
            payout_ids.append(payout.pk)
    return run, payout_ids


def _seller_book(*, run: PayoutRun, seller_id: int, account: PayoutAccount | None) -> Payout | None:
    """Lock the seller's available balance, deduct loans, book the payout."""
    available = -account_lock(code=seller_available_account(seller_id))
    if available <= 0:
        return None
    method = account.method if account is not None else default_method()
    if method != PayoutMethod.SIMULATED and account is None:
        # Nowhere to send it: the money stays available until the seller says where.
        return None
    deducted = loan_deduct_from_payout(
        seller_id=seller_id, available=available, reference=f"payout-run:{run.pk}", on=run.on
    )
    deducted = max(Decimal("0.00"), min(deducted, available))
    amount = available - deducted
    if amount <= 0:
        return None
    payout = Payout.objects.create(
        run=run,
        seller_id=seller_id,
        amount=amount,
        loan_deducted=deducted,
        provider=method,
        idempotency_key=f"XC{run.on:%Y%m%d}S{seller_id}",
        account_name=account.account_name if account else "",
        account_number=account.account_number if account else "",
        bank_name=account.bank_name if account else "",
        openid=account.openid if account else "",
        batch_reference=bank_file_name(run.on.isoformat()) if method == PayoutMethod.BANK else "",
    )
    entry_post(
        kind=EntryKind.PAYOUT,
        reference=f"payout:{payout.pk}",
        lines=[
            (seller_available_account(seller_id), amount),
            (payout_clearing_account(method), -amount),
        ],
        memo=f"payout {payout.pk} run {run.on}",
    )
    return payout


# --- calling the provider and recording its answer ----------------------------------------


def payout_send(*, payout_id: int, now: datetime.datetime | None = None) -> Payout:
    """Ask the payout's provider to pay it (or, once sent, how it went) and record the answer.
    Outside any transaction: the provider is called with nothing locked. A payout another
    worker is trying right now (its next attempt is later than `now`) is left alone."""
    payout = _attempt_claim(payout_id, now=now or timezone.now())
    if payout is None:
        return Payout.objects.get(pk=payout_id)
    provider = provider_for(payout.provider)
    order = _order_of(payout)
    try:
        if payout.status == Payout.Status.PENDING:
            outcome = provider.send(order)
        else:
            outcome = provider.query(order)
    except PayoutTransientError as error:
        return _record_transient(payout_id=payout_id, code=error.code)
    return payout_record(payout_id=payout_id, outcome=outcome)


@transaction.atomic
def _attempt_claim(payout_id: int, *, now: datetime.datetime) -> Payout | None:
    payout = Payout.objects.select_for_update().select_related("run").filter(pk=payout_id).first()
    if payout is None:
        raise PayoutNotFoundError
    if payout.next_attempt_at is not None and payout.next_attempt_at > now:
        return None
    bank_sent = payout.status == Payout.Status.SENT and payout.provider == PayoutMethod.BANK
    if payout.status not in {Payout.Status.PENDING, Payout.Status.SENT} or bank_sent:
        return None
    if payout.status == Payout.Status.PENDING:
        payout.attempts += 1
    # Until this attempt is recorded, other workers leave it alone.
    payout.next_attempt_at = now + STALE_PENDING
    payout.save(update_fields=["attempts", "next_attempt_at", "updated_at"])
    return payout


@transaction.atomic
def _record_transient(*, payout_id: int, code: str) -> Payout:
    payout = Payout.objects.select_for_update().get(pk=payout_id)
    if payout.status != Payout.Status.PENDING:
        return payout
    payout.failure_code = code[:40]
    if payout.attempts >= MAX_ATTEMPTS:
        payout.status = Payout.Status.FAILED
        payout.next_attempt_at = None
    else:
        wait = BACKOFF_MINUTES[min(payout.attempts, len(BACKOFF_MINUTES)) - 1]
        payout.next_attempt_at = timezone.now() + datetime.timedelta(minutes=wait)
    payout.save(update_fields=["failure_code", "status", "next_attempt_at", "updated_at"])
    return payout


@transaction.atomic
def payout_record(*, payout_id: int, outcome: PayoutOutcome) -> Payout:
    """Record what the provider answered; a second report of the same answer changes nothing."""
    payout = Payout.objects.select_for_update().filter(pk=payout_id).first()
    if payout is None:
        raise PayoutNotFoundError
    if payout.status in {Payout.Status.PAID, Payout.Status.RETURNED}:
        return payout
    if outcome.reference:
        payout.provider_reference = outcome.reference[:64]
    if outcome.batch:
        payout.batch_reference = outcome.batch[:64]
    if outcome.status == "paid":
        _settle(payout)
    elif outcome.status == "failed":
        payout.failure_code = outcome.code[:40] or "refused"
        _return(payout)
    else:
        payout.status = Payout.Status.SENT
        payout.next_attempt_at = timezone.now() + datetime.timedelta(minutes=BACKOFF_MINUTES[1])
    payout.save()
    return payout


def _settle(payout: Payout) -> None:
    entry_post(
        kind=EntryKind.PAYOUT_SETTLED,
        reference=f"payout-settled:{payout.pk}",
        lines=[
            (payout_clearing_account(payout.provider), payout.amount),
            (BANK_OPERATING, -payout.amount),
        ],
        memo=f"payout {payout.pk} paid",
    )
    payout.status = Payout.Status.PAID
    payout.paid_at = timezone.now()
    payout.next_attempt_at = None


def _return(payout: Payout) -> None:
    """The money goes back to the seller's available balance."""
    (entry,) = entries_for_reference(reference=f"payout:{payout.pk}", kind=EntryKind.PAYOUT)
    entry_reverse(
        entry_id=entry.pk,
        reference=f"payout-return:{payout.pk}",
        memo=f"payout {payout.pk} returned",
    )
    payout.status = Payout.Status.RETURNED
    payout.next_attempt_at = None


def payouts_retry_due(*, now: datetime.datetime | None = None) -> int:
    """The periodic job: payouts not reached whose wait is over, and sent WeChat payouts to
    ask about. Returns how many were tried."""
    now = now or timezone.now()
    due = list(
        Payout.objects.filter(
            status__in=[Payout.Status.PENDING, Payout.Status.SENT], next_attempt_at__lte=now
        )
        .exclude(provider=PayoutMethod.BANK, status=Payout.Status.SENT)
        .order_by("id")
        .values_list("id", flat=True)[:200]
    )
    for payout_id in due:
        try:
            payout_send(payout_id=payout_id, now=now)
        except Exception:
            # One payout's trouble must not stop the others; it is tried again next time.
            logger.exception("payout %s could not be tried", payout_id)
    return len(due)


# --- staff --------------------------------------------------------------------------------


def _locked(payout_id: int) -> Payout:
    payout = Payout.objects.select_for_update().filter(pk=payout_id).first()
    if payout is None:
        raise PayoutNotFoundError
    return payout


def payout_retry(*, actor: AnyUser, payout_id: int) -> Payout:
    """Staff send a failed payout again (same idempotency key: never paid twice)."""
    _require_staff(actor)
    with transaction.atomic():
        payout = _locked(payout_id)
        if payout.status != Payout.Status.FAILED:
            raise PayoutStateError
        payout.status = Payout.Status.PENDING
        payout.attempts = 0
        payout.next_attempt_at = None
        payout.decided_by_id = actor.pk
        payout.save()
    return payout_send(payout_id=payout_id)


@transaction.atomic
def payout_return(*, actor: AnyUser, payout_id: int) -> Payout:
    """Staff give up on a failed payout, or record that the bank refused a sent one: the money
    goes back to the seller's balance and is paid in a later run."""
    _require_staff(actor)
    payout = _locked(payout_id)
    if payout.status not in {Payout.Status.FAILED, Payout.Status.SENT}:
        raise PayoutStateError
    if payout.status == Payout.Status.SENT and payout.provider != PayoutMethod.BANK:
        # Only the bank's result is known to staff; WeChat's is asked of WeChat.
        raise PayoutStateError
    payout.failure_code = payout.failure_code or "returned_by_staff"
    payout.decided_by_id = actor.pk
    _return(payout)
    payout.save()
    return payout


@transaction.atomic
def payout_confirm_paid(*, actor: AnyUser, payout_id: int) -> Payout:
    """Staff record that the bank paid a payout of the batch file."""
    _require_staff(actor)
    payout = _locked(payout_id)
    if payout.status == Payout.Status.PAID:
        return payout
    if payout.status != Payout.Status.SENT or payout.provider != PayoutMethod.BANK:
        raise PayoutStateError
    payout.decided_by_id = actor.pk
    _settle(payout)
    payout.save()
    return payout
