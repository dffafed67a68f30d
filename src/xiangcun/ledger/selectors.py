"""Reads of the ledger: balances, a seller's statement, and the whole ledger's total."""

import datetime
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, Q, QuerySet, Sum

from xiangcun.core.types import IntegrityProblem
from xiangcun.ledger.models import JournalEntry, Posting
from xiangcun.ledger.types import (
    StatementLine,
    seller_available_account,
    seller_payable_account,
)

CENT = Decimal("0.01")


@dataclass(frozen=True)
class SellerMoney:
    """What the platform owes a seller, in two parts: `pending` (sales inside the settlement
    window, seller_payable) and `available` (may be paid out now, seller_available). Either may
    be negative for a while (a return after settlement, a loan deduction)."""

    pending: Decimal
    available: Decimal

    @property
    def total(self) -> Decimal:
        return self.pending + self.available


def _total(postings: QuerySet[Posting]) -> Decimal:
    total = postings.aggregate(total=Sum("amount"))["total"]
    return (total or Decimal(0)).quantize(CENT)


def account_balance(*, code: str) -> Decimal:
    """Sum of the account's postings, debit-positive (0 for an account never used)."""
    return _total(Posting.objects.filter(account__code=code))


def _seller_codes(seller_id: int) -> list[str]:
    return [seller_payable_account(seller_id), seller_available_account(seller_id)]


def seller_balance(*, seller_id: int) -> Decimal:
    """What the platform owes the seller in all, as a positive number: sales still inside the
    settlement window (payable) and money that may be paid out now (available)."""
    return -_total(Posting.objects.filter(account__code__in=_seller_codes(seller_id)))


def seller_money(*, seller_id: int) -> SellerMoney:
    """The seller's balance in its two parts, from the seller's side. One query."""
    rows = (
        Posting.objects.filter(account__code__in=_seller_codes(seller_id))
        .values_list("account__code")
        .annotate(total=Sum("amount"))
        .order_by()
    )
    totals = {code: -Decimal(str(total or 0)).quantize(CENT) for code, total in rows}
    pending = totals.get(seller_payable_account(seller_id), Decimal("0.00"))
    available = totals.get(seller_available_account(seller_id), Decimal("0.00"))
    return SellerMoney(pending=pending + 0, available=available + 0)


def seller_balance_at(*, seller_id: int, before: datetime.datetime) -> Decimal:
    """What the platform owed the seller (payable + available) just before `before`."""
    postings = Posting.objects.filter(
        account__code__in=_seller_codes(seller_id), entry__created_at__lt=before
    )
    return -_total(postings)


def seller_statement(
    *,
    seller_id: int,
    start: datetime.datetime | None = None,
    end: datetime.datetime | None = None,
) -> list[StatementLine]:
    """The seller's money (payable and available together) entry by entry, from `start`
    (inclusive) to `end` (exclusive).

    Amounts are from the seller's side: positive when we owe them more. An entry that only
    moves money between the seller's own accounts (a settlement) sums to zero and is left out.
    The running balance starts from what was owed before `start`. Two queries.
    """
    postings = Posting.objects.filter(account__code__in=_seller_codes(seller_id))
    balance = Decimal(0).quantize(CENT)
    if start is not None:
        balance = -_total(postings.filter(entry__created_at__lt=start))
        postings = postings.filter(entry__created_at__gte=start)
    if end is not None:
        postings = postings.filter(entry__created_at__lt=end)
    lines: list[StatementLine] = []
    rows = postings.select_related("entry").order_by("entry__created_at", "entry_id", "id")
    by_entry: dict[int, tuple[JournalEntry, Decimal]] = {}
    for posting in rows:
        entry, amount = by_entry.get(posting.entry_id, (posting.entry, Decimal("0.00")))
        by_entry[posting.entry_id] = (entry, amount - posting.amount)
    for entry, amount in by_entry.values():
        if not amount:
            continue
        balance += amount
        lines.append(
            StatementLine(
                date=entry.created_at,
                kind=entry.kind,
                reference=entry.reference,
                memo=entry.memo,
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


def account_totals_by_reference(
    *, kinds: Iterable[str], reference_prefix: str, account_code: str
) -> dict[str, Decimal]:
    """For each entry of these kinds whose reference starts with `reference_prefix`: the sum
    of its postings to `account_code` (0.00 when the entry does not touch it). One query, for
    audits that match payments, refunds and orders with their entries."""
    totals: dict[str, Decimal] = {}
    rows = (
        JournalEntry.objects.filter(kind__in=list(kinds), reference__startswith=reference_prefix)
        .values_list("reference")
        .annotate(total=Sum("postings__amount", filter=Q(postings__account__code=account_code)))
        .order_by()
    )
    for reference, total in rows:
        amount = Decimal(str(total or 0)).quantize(CENT)
        totals[reference] = totals.get(reference, Decimal("0.00")) + amount
    return totals


def ledger_integrity_problems() -> list[IntegrityProblem]:
    """Every entry has two or more postings summing to zero, every correction is the exact
    negation of the entry it reverses, and so the balances of all accounts add up to zero.
    Balances are never stored (an account's balance is the sum of its postings), so there is
    no cached figure that could drift. Empty when all agree. A fixed number of queries."""
    problems: list[IntegrityProblem] = []
    for entry_id in unbalanced_entries():
        problems.append(
            IntegrityProblem(
                app="ledger",
                check="entry_unbalanced",
                record=f"entry {entry_id}",
                detail="postings do not sum to zero",
            )
        )
    thin = (
        JournalEntry.objects.annotate(lines=Count("postings"))
        .filter(lines__lt=2)
        .values_list("id", "lines")
    )
    for entry_id, lines in thin:
        problems.append(
            IntegrityProblem(
                app="ledger",
                check="entry_too_few_postings",
                record=f"entry {entry_id}",
                detail=f"{lines} posting(s), at least two needed",
            )
        )
    lines_by_entry: dict[int, dict[int, Decimal]] = {}
    corrections = list(
        JournalEntry.objects.filter(reverses__isnull=False).values_list("id", "reverses_id")
    )
    wanted = {entry_id for pair in corrections for entry_id in pair}
    postings = (
        Posting.objects.filter(entry_id__in=wanted)
        .values_list("entry_id", "account_id")
        .annotate(total=Sum("amount"))
        .order_by()
    )
    for entry_id, account_id, total in postings:
        amount = Decimal(str(total or 0)).quantize(CENT)
        lines_by_entry.setdefault(entry_id, {})[account_id] = amount
    for entry_id, original_id in corrections:
        negated = {
            account: -amount for account, amount in lines_by_entry.get(original_id, {}).items()
        }
        if lines_by_entry.get(entry_id, {}) != negated:
            problems.append(
                IntegrityProblem(
                    app="ledger",
                    check="correction_mismatch",
                    record=f"entry {entry_id}",
                    detail=f"does not exactly reverse entry {original_id}",
                )
            )
    total = ledger_total()
    if abs(total) >= CENT / 2:
        problems.append(
            IntegrityProblem(
                app="ledger",
                check="ledger_not_zero",
                record="all accounts",
                detail=f"balances add up to {total}, not 0.00",
            )
        )
    return problems


# --- settlement and payouts (read by finance) -------------------------------------------------


@dataclass(frozen=True)
class SellerPosting:
    """One entry's total on one seller's payable or available account, debit-positive."""

    entry_id: int
    kind: str
    reference: str
    seller_id: int
    amount: Decimal


def seller_payable_postings(*, references: Iterable[str]) -> list[SellerPosting]:
    """For the entries with these references: their totals on each seller's payable account,
    in entry order. One query per 500 references (for settlement, which nets an order's sale
    with its returns)."""
    wanted = sorted(set(references))
    found: list[SellerPosting] = []
    prefix = seller_payable_account(0).removesuffix("0")
    for start in range(0, len(wanted), 500):
        rows = (
            Posting.objects.filter(
                entry__reference__in=wanted[start : start + 500], account__code__startswith=prefix
            )
            .values_list("entry_id", "entry__kind", "entry__reference", "account__code")
            .annotate(total=Sum("amount"))
            .order_by("entry_id")
        )
        for entry_id, kind, reference, code, total in rows:
            found.append(
                SellerPosting(
                    entry_id=entry_id,
                    kind=kind,
                    reference=reference,
                    seller_id=int(code.rsplit(":", 1)[1]),
                    amount=Decimal(str(total or 0)).quantize(CENT),
                )
            )
    return sorted(found, key=lambda row: row.entry_id)


def entry_ids_by_reference(*, kind: str, references: Iterable[str]) -> dict[str, int]:
    """The id of the entry of this kind posted under each reference (absent when none)."""
    wanted = sorted(set(references))
    ids: dict[str, int] = {}
    for start in range(0, len(wanted), 500):
        rows = JournalEntry.objects.filter(
            kind=kind, reference__in=wanted[start : start + 500]
        ).values_list("reference", "id")
        ids.update(dict(rows))
    return ids


def sellers_available_positive() -> dict[int, Decimal]:
    """Every seller whose available account holds money for them (what may be paid out), by
    seller id. One query."""
    prefix = seller_available_account(0).removesuffix("0")
    rows = (
        Posting.objects.filter(account__code__startswith=prefix)
        .values_list("account__code")
        .annotate(total=Sum("amount"))
        .order_by()
    )
    owed: dict[int, Decimal] = {}
    for code, total in rows:
        amount = -Decimal(str(total or 0)).quantize(CENT)
        if amount > 0:
            owed[int(code.rsplit(":", 1)[1])] = amount
    return dict(sorted(owed.items()))
