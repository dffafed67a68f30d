"""Reads of the ledger: balances, a seller's statement, and the whole ledger's total."""

import datetime
from decimal import Decimal

from django.db.models import Q, QuerySet, Sum

from xiangcun.ledger.models import JournalEntry, Posting
from xiangcun.ledger.types import StatementLine, seller_payable_account

CENT = Decimal("0.01")


def _total(postings: QuerySet[Posting]) -> Decimal:
    total = postings.aggregate(total=Sum("amount"))["total"]
    return (total or Decimal(0)).quantize(CENT)


def account_balance(*, code: str) -> Decimal:
    """Sum of the account's postings, debit-positive (0 for an account never used)."""
    return _total(Posting.objects.filter(account__code=code))


def seller_balance(*, seller_id: int) -> Decimal:
    """What the platform owes the seller, as a positive number."""
    return -account_balance(code=seller_payable_account(seller_id))


def seller_statement(
    *,
    seller_id: int,
    start: datetime.datetime | None = None,
    end: datetime.datetime | None = None,
) -> list[StatementLine]:
    """The seller's account line by line, from `start` (inclusive) to `end` (exclusive).

    Amounts are from the seller's side: positive when we owe them more. The running balance
    starts from what was owed before `start`. Two queries.
    """
    postings = Posting.objects.filter(account__code=seller_payable_account(seller_id))
    balance = Decimal(0).quantize(CENT)
    if start is not None:
        balance = -_total(postings.filter(entry__created_at__lt=start))
        postings = postings.filter(entry__created_at__gte=start)
    if end is not None:
        postings = postings.filter(entry__created_at__lt=end)
    lines: list[StatementLine] = []
    rows = postings.select_related("entry").order_by("entry__created_at", "entry_id", "id")
    for posting in rows:
        amount = -posting.amount
        balance += amount
        lines.append(
            StatementLine(
                date=posting.entry.created_at,
                kind=posting.entry.kind,
                reference=posting.entry.reference,
                memo=posting.entry.memo,
                amount=amount,
                balance=balance,
            )
        )
    return lines


def ledger_total() -> Decimal:
    """Sum of every posting in the ledger: zero, always, because every entry balances."""
    return _total(Posting.objects.all())


def entries_for_reference(*, reference: str, kind: str | None = None) -> list[JournalEntry]:
    """Entries posted for a reference ("payment:P2026...", "order:42"), oldest first, with
    their postings and accounts loaded (two queries)."""
    entries = JournalEntry.objects.filter(reference=reference)
    if kind is not None:
        entries = entries.filter(kind=kind)
    return list(entries.prefetch_related("postings__account").order_by("id"))


def unbalanced_entries() -> list[int]:
    """Ids of entries whose postings do not sum to zero (an audit check: always empty)."""
    # SQLite sums decimals as floating point (0.01 + 0.01 - 0.02 is not exactly 0 there), so
    # "not zero" means off by at least half a cent.
    half_cent = CENT / 2
    rows = (
        JournalEntry.objects.annotate(total=Sum("postings__amount"))
        .filter(Q(total__isnull=True) | Q(total__gte=half_cent) | Q(total__lte=-half_cent))
        .values_list("id", flat=True)
    )
    return list(rows)
