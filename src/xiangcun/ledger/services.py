"""Every write of the ledger: posting a balanced journal entry and reversing one.

Rules every function keeps:
- an entry has at least two postings, none zero, each with exactly two decimals, summing to 0;
- an entry is idempotent on (kind, reference): posting the same lines again returns the first
  entry, so a retried caller (a duplicated payment notification) cannot book money twice;
- rows are only ever inserted; database triggers (migration 0002) reject UPDATE and DELETE.
"""

import re
from collections.abc import Sequence
from decimal import Decimal
from functools import partial

from django.db import IntegrityError, transaction
from django.db.models import Sum
from django.utils.translation import gettext_lazy as _

from xiangcun.core.validators import text_field
from xiangcun.ledger.errors import (
    EntryAlreadyReversedError,
    EntryConflictError,
    EntryNotFoundError,
    InvalidEntryError,
    UnbalancedEntryError,
    UnknownAccountError,
)
from xiangcun.ledger.models import Account, JournalEntry, Posting
from xiangcun.ledger.types import (
    AGENT_COMMISSION_EXPENSE,
    BANK_OPERATING,
    BUYER_PAYMENTS_CLEARING,
    CASH_COUNTY,
    CASH_VARIANCE,
    COMMISSION_INCOME,
    DELIVERY_INCOME,
    INTEREST_INCOME,
    LOAN_FEE_INCOME,
    LOAN_LOSS_EXPENSE,
    PENALTY_INCOME,
    SHIPPING_EXPENSE,
    AccountSpec,
)

CENT = Decimal("0.01")
# DecimalField(max_digits=14, decimal_places=2): twelve digits before the point.
AMOUNT_LIMIT = Decimal(10) ** 12
REFERENCE_MAX_LENGTH = 80
MEMO_MAX_LENGTH = 200

Lines = Sequence[tuple[str, Decimal]]

# The chart of accounts: fixed codes, and code families keyed by a record's id or a name.
_FIXED_ACCOUNTS = {
    BUYER_PAYMENTS_CLEARING: (Account.Kind.LIABILITY, "Buyer payments clearing"),
    COMMISSION_INCOME: (Account.Kind.INCOME, "Platform commission income"),
    DELIVERY_INCOME: (Account.Kind.INCOME, "Delivery fee income"),
    CASH_COUNTY: (Account.Kind.ASSET, "Cash at the county office"),
    BANK_OPERATING: (Account.Kind.ASSET, "Programme bank account"),
    SHIPPING_EXPENSE: (Account.Kind.EXPENSE, "National carriers' charges"),
    INTEREST_INCOME: (Account.Kind.INCOME, "Loan interest income"),
    LOAN_FEE_INCOME: (Account.Kind.INCOME, "Loan fee income"),
    PENALTY_INCOME: (Account.Kind.INCOME, "Late payment penalty income"),
    LOAN_LOSS_EXPENSE: (Account.Kind.EXPENSE, "Loans written off"),
    CASH_VARIANCE: (Account.Kind.EXPENSE, "Cash over and short at stations"),
    AGENT_COMMISSION_EXPENSE: (Account.Kind.EXPENSE, "Service-centre agents' commission"),
}
_PROVIDER_RECEIVABLE = re.compile(r"provider_receivable:(?P<name>[a-z][a-z0-9_]{0,29})")
_NAMED_FAMILIES = {
    # prefix: (kind, readable name)
    "carrier_payable": (Account.Kind.LIABILITY, "Payable to carrier {name}"),
    "payout_clearing": (Account.Kind.LIABILITY, "Payouts in flight through {name}"),
}
_NAMED = re.compile(r"(?P<prefix>[a-z_]+):(?P<name>[a-z][a-z0-9_]{0,29})")
_STATION_CASH = re.compile(r"cash:station:(?P<id>[1-9][0-9]{0,17})")
_OWNED_FAMILIES = {
    # prefix: (kind, readable name, owner type)
    "seller_payable": (Account.Kind.LIABILITY, "Payable to seller {id}", "seller"),
    "seller_available": (Account.Kind.LIABILITY, "Available to seller {id}", "seller"),
    "loan_receivable": (Account.Kind.ASSET, "Principal owed on loan {id}", "loan"),
    "loan_credit": (Account.Kind.LIABILITY, "Overpaid on loan {id}", "loan"),
    "agent_commission_payable": (
        Account.Kind.LIABILITY,
        "Commission owed to agent {id}",
        "agent",
    ),
}
_OWNED = re.compile(r"(?P<prefix>[a-z_]+):(?P<id>[1-9][0-9]{0,17})")


def _account_spec(code: object) -> AccountSpec:
    """What an account code means; the kind is inferred from the code's prefix."""
    if not isinstance(code, str):
        raise UnknownAccountError(field="lines")
    if code in _FIXED_ACCOUNTS:
        kind, name = _FIXED_ACCOUNTS[code]
        return AccountSpec(code=code, kind=kind, name=name)
    if match := _PROVIDER_RECEIVABLE.fullmatch(code):
        provider = match["name"]
        return AccountSpec(
            code=code, kind=Account.Kind.ASSET, name=f"Receivable from payment provider {provider}"
        )
    if match := _STATION_CASH.fullmatch(code):
        station_id = int(match["id"])
        return AccountSpec(
            code=code,
            kind=Account.Kind.ASSET,
            name=f"Cash held at station {station_id}",
            owner_type="station",
            owner_id=station_id,
        )
    if (match := _NAMED.fullmatch(code)) and match["prefix"] in _NAMED_FAMILIES:
        kind, name = _NAMED_FAMILIES[match["prefix"]]
        return AccountSpec(code=code, kind=kind, name=name.format(name=match["name"]))
    if (match := _OWNED.fullmatch(code)) and match["prefix"] in _OWNED_FAMILIES:
        kind, name, owner_type = _OWNED_FAMILIES[match["prefix"]]
        owner_id = int(match["id"])
        return AccountSpec(
            code=code,
            kind=kind,
            name=name.format(id=owner_id),
            owner_type=owner_type,
            owner_id=owner_id,
        )
    raise UnknownAccountError(
        _("There is no ledger account %(code)s.") % {"code": code[:60]}, field="lines"
    )


def _amount(value: object) -> Decimal:
    # bool is an int, float is inexact: neither is money.
    if isinstance(value, bool) or not isinstance(value, Decimal | int):
        raise UnbalancedEntryError(_("Every amount must be a decimal number."), field="lines")
    amount = Decimal(value)
    if not amount.is_finite() or amount != amount.quantize(CENT) or abs(amount) >= AMOUNT_LIMIT:
        raise UnbalancedEntryError(
            _("Every amount must be in yuan with at most two decimals."), field="lines"
        )
    if amount == 0:
        raise UnbalancedEntryError(_("A ledger line cannot be zero."), field="lines")
    return amount.quantize(CENT)


def _lines_clean(lines: object) -> list[tuple[AccountSpec, Decimal]]:
    if not isinstance(lines, list | tuple):
        raise UnbalancedEntryError(field="lines")
    clean: list[tuple[AccountSpec, Decimal]] = []
    for line in lines:
        if not isinstance(line, list | tuple) or len(line) != 2:
            raise UnbalancedEntryError(field="lines")
        clean.append((_account_spec(line[0]), _amount(line[1])))
    if len(clean) < 2:
        raise UnbalancedEntryError(_("A ledger entry needs at least two lines."), field="lines")
    if sum((amount for _spec, amount in clean), Decimal(0)) != 0:
        raise UnbalancedEntryError(field="lines")
    return clean


_text = partial(text_field, non_text_as_empty=True, error=InvalidEntryError)


def _kind(value: object) -> str:
    if value not in JournalEntry.Kind.values:
        raise InvalidEntryError(field="kind")
    return str(value)


def _signature(lines: Sequence[tuple[str, Decimal]]) -> list[tuple[str, Decimal]]:
    """Lines in a canonical order, to compare a retried posting with the first one."""
    return sorted((code, amount.quantize(CENT)) for code, amount in lines)


def _entry_lines(entry: JournalEntry) -> list[tuple[str, Decimal]]:
    postings = Posting.objects.filter(entry=entry).select_related("account")
    return [(posting.account.code, posting.amount) for posting in postings]


def _accounts_ensure(specs: list[AccountSpec]) -> dict[str, Account]:
    """The accounts for these codes, opening the missing ones (in code order)."""
    codes = sorted({spec.code for spec in specs})
    accounts = {account.code: account for account in Account.objects.filter(code__in=codes)}
    for spec in sorted({spec.code: spec for spec in specs}.values(), key=lambda s: s.code):
        if spec.code not in accounts:
            # get_or_create re-reads after a concurrent insert of the same code.
            accounts[spec.code], _created = Account.objects.get_or_create(
                code=spec.code,
                defaults={
                    "kind": spec.kind,
                    "name": spec.name,
                    "owner_type": spec.owner_type,
                    "owner_id": spec.owner_id,
                },
            )
    return accounts


def _existing_or_conflict(
    *, kind: str, reference: str, lines: list[tuple[str, Decimal]], reverses_id: int | None
) -> JournalEntry | None:
    existing = JournalEntry.objects.filter(kind=kind, reference=reference).first()
    if existing is None:
        return None
    if existing.reverses_id != reverses_id or _signature(_entry_lines(existing)) != _signature(
        lines
    ):
        raise EntryConflictError(entry_id=existing.pk)
    return existing


def _entry_create(
    *,
    kind: str,
    reference: str,
    memo: str,
    clean: list[tuple[AccountSpec, Decimal]],
    reverses: JournalEntry | None = None,
) -> JournalEntry:
    lines = [(spec.code, amount) for spec, amount in clean]
    reverses_id = reverses.pk if reverses is not None else None
    existing = _existing_or_conflict(
        kind=kind, reference=reference, lines=lines, reverses_id=reverses_id
    )
    if existing is not None:
        return existing
    accounts = _accounts_ensure([spec for spec, _amount in clean])
    try:
        with transaction.atomic():
            entry = JournalEntry.objects.create(
                kind=kind, reference=reference, memo=memo, reverses=reverses
            )
    except IntegrityError:
        # A concurrent transaction posted the same (kind, reference) first and committed.
        existing = _existing_or_conflict(
            kind=kind, reference=reference, lines=lines, reverses_id=reverses_id
        )
        if existing is None:
            raise
        return existing
    Posting.objects.bulk_create(
        Posting(entry=entry, account=accounts[spec.code], amount=amount) for spec, amount in clean
    )
    return entry


@transaction.atomic
def entry_post(*, kind: str, reference: str, lines: Lines, memo: str = "") -> JournalEntry:
    """Post a balanced entry: `lines` are (account code, amount), debit > 0, credit < 0.

    Accounts are opened on first use. The same (kind, reference) with the same lines returns
    the entry posted first; with other lines it raises EntryConflictError.
    """
    kind = _kind(kind)
    reference = _text(reference, field="reference", max_length=REFERENCE_MAX_LENGTH, required=True)
    memo = _text(memo, field="memo", max_length=MEMO_MAX_LENGTH, required=False)
    clean = _lines_clean(lines)
    return _entry_create(kind=kind, reference=reference, memo=memo, clean=clean)


@transaction.atomic
def account_lock(*, code: str) -> Decimal:
    """Lock an account (opening it if new) until the transaction ends, and return its balance.

    For a caller that must check a balance before taking money out of it (cash handed over
    from a station), so two such takings cannot both pass the check.
    """
    spec = _account_spec(code)
    _accounts_ensure([spec])
    Account.objects.select_for_update().filter(code=code).first()
    total = Posting.objects.filter(account__code=code).aggregate(total=Sum("amount"))["total"]
    return (total or Decimal(0)).quantize(CENT)


@transaction.atomic
def entry_reverse(*, entry_id: int, reference: str, memo: str = "") -> JournalEntry:
    """Cancel an entry with a correction entry of the negated lines; an entry is reversed once.

    Idempotent on `reference`: reversing the same entry with the same reference again returns
    the first correction.
    """
    reference = _text(reference, field="reference", max_length=REFERENCE_MAX_LENGTH, required=True)
    memo = _text(memo, field="memo", max_length=MEMO_MAX_LENGTH, required=False)
    # The lock makes two concurrent reversals of one entry queue (SELECT ... FOR UPDATE locks
    # without updating, so the append-only triggers do not fire).
    original = JournalEntry.objects.select_for_update().filter(pk=entry_id).first()
    if original is None:
        raise EntryNotFoundError
    negated = [(code, -amount) for code, amount in _entry_lines(original)]
    existing = _existing_or_conflict(
        kind=JournalEntry.Kind.CORRECTION,
        reference=reference,
        lines=negated,
        reverses_id=original.pk,
    )
    if existing is not None:
        return existing
    if JournalEntry.objects.filter(reverses=original).exists():
        raise EntryAlreadyReversedError(entry_id=original.pk)
    clean = [(_account_spec(code), amount) for code, amount in negated]
    return _entry_create(
        kind=JournalEntry.Kind.CORRECTION,
        reference=reference,
        memo=memo or f"Reverses entry {original.pk}",
        clean=clean,
        reverses=original,
    )
