"""Posting and reversing journal entries through the ledger's services and selectors."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from tests.conftest import Clock
from xiangcun.ledger.errors import (
    EntryAlreadyReversedError,
    EntryConflictError,
    EntryNotFoundError,
    InvalidEntryError,
    UnbalancedEntryError,
    UnknownAccountError,
)
from xiangcun.ledger.models import Account, JournalEntry, Posting
from xiangcun.ledger.selectors import (
    account_balance,
    entries_for_reference,
    ledger_total,
    seller_balance,
    seller_statement,
    unbalanced_entries,
)
from xiangcun.ledger.services import account_lock, entry_post, entry_reverse
from xiangcun.ledger.types import (
    BUYER_PAYMENTS_CLEARING,
    COMMISSION_INCOME,
    DELIVERY_INCOME,
    EntryKind,
    provider_receivable_account,
    seller_payable_account,
    station_cash_account,
)

pytestmark = pytest.mark.django_db

D = Decimal


def _sale(reference: str = "payment:P1", amount: str = "100.00") -> JournalEntry:
    return entry_post(
        kind="payment",
        reference=reference,
        lines=[
            (provider_receivable_account("sandbox"), D(amount)),
            (BUYER_PAYMENTS_CLEARING, -D(amount)),
        ],
    )


def _allocation(seller_id: int, reference: str, goods: str, commission: str) -> JournalEntry:
    goods_amount, commission_amount = D(goods), D(commission)
    return entry_post(
        kind="commission",
        reference=reference,
        lines=[
            (BUYER_PAYMENTS_CLEARING, goods_amount),
            (seller_payable_account(seller_id), -(goods_amount - commission_amount)),
            (COMMISSION_INCOME, -commission_amount),
        ],
    )


def test_a_balanced_entry_is_posted_and_opens_its_accounts_with_inferred_kinds() -> None:
    entry = entry_post(
        kind="payment",
        reference="payment:P1",
        lines=[
            (station_cash_account(3), D("108.00")),
            (BUYER_PAYMENTS_CLEARING, D("-100.00")),
            (DELIVERY_INCOME, D("-8.00")),
        ],
        memo="cash at station 3",
    )

    assert entry.postings.count() == 3
    kinds = dict(Account.objects.values_list("code", "kind"))
    assert kinds == {
        "cash:station:3": "asset",
        "buyer_payments_clearing": "liability",
        "delivery_income": "income",
    }
    station = Account.objects.get(code="cash:station:3")
    assert (station.owner_type, station.owner_id) == ("station", 3)
    assert account_balance(code="cash:station:3") == D("108.00")
    assert account_balance(code=BUYER_PAYMENTS_CLEARING) == D("-100.00")
    assert ledger_total() == 0


@pytest.mark.parametrize(
    "lines",
    [
        [("cash:county", D("10.00")), (BUYER_PAYMENTS_CLEARING, D("-9.99"))],
        [("cash:county", D("10.00"))],
        [],
        [("cash:county", D("0.00")), (BUYER_PAYMENTS_CLEARING, D("0.00"))],
        [("cash:county", D("10.005")), (BUYER_PAYMENTS_CLEARING, D("-10.005"))],
        [("cash:county", 10.5), (BUYER_PAYMENTS_CLEARING, -10.5)],
        [("cash:county", D("NaN")), (BUYER_PAYMENTS_CLEARING, D("1.00"))],
        [("cash:county", D("1e12")), (BUYER_PAYMENTS_CLEARING, D("-1e12"))],
        [("cash:county", True), (BUYER_PAYMENTS_CLEARING, -1)],
        [("cash:county",), (BUYER_PAYMENTS_CLEARING, D("-1.00"))],
    ],
    ids=[
        "sum-not-zero",
        "one-line",
        "no-lines",
        "zero-amounts",
        "three-places",
        "float",
        "nan",
        "too-large",
        "bool",
        "malformed",
    ],
)
def test_an_entry_that_does_not_balance_is_refused_and_writes_nothing(lines: list) -> None:
    with pytest.raises(UnbalancedEntryError) as raised:
        entry_post(kind="payment", reference="payment:bad", lines=lines)

    assert raised.value.code == "unbalanced_entry"
    assert JournalEntry.objects.count() == Posting.objects.count() == Account.objects.count() == 0


@pytest.mark.parametrize(
    "code",
    ["seller_payable:abc", "seller_payable:0", "cash:station:", "petty_cash", "Cash:County", 7],
)
def test_an_account_outside_the_chart_is_refused(code: object) -> None:
    with pytest.raises(UnknownAccountError):
        entry_post(
            kind="payment",
            reference="payment:P1",
            lines=[(code, D("1.00")), (BUYER_PAYMENTS_CLEARING, D("-1.00"))],  # type: ignore[list-item]  # 7 on purpose
        )
    assert Account.objects.count() == 0


@pytest.mark.parametrize(
    ("kind", "reference"),
    [("gift", "x:1"), ("payment", ""), ("payment", "  "), ("payment", "x" * 81)],
)
def test_an_entry_needs_a_known_kind_and_a_reference(kind: str, reference: str) -> None:
    with pytest.raises(InvalidEntryError):
        entry_post(
            kind=kind,
            reference=reference,
            lines=[("cash:county", D("1.00")), (BUYER_PAYMENTS_CLEARING, D("-1.00"))],
        )
    assert JournalEntry.objects.count() == 0


def test_posting_the_same_lines_again_returns_the_first_entry() -> None:
    first = _sale()
    again = entry_post(
        kind="payment",
        reference="payment:P1",
        # Another order of the same lines, and an int amount equal to the Decimal one.
        lines=[(BUYER_PAYMENTS_CLEARING, D("-100")), (provider_receivable_account("sandbox"), 100)],
    )

    assert again.pk == first.pk
    assert JournalEntry.objects.count() == 1
    assert Posting.objects.count() == 2


def test_the_same_reference_with_other_amounts_is_a_conflict() -> None:
    _sale(amount="100.00")

    with pytest.raises(EntryConflictError) as raised:
        _sale(amount="100.01")

    assert raised.value.status == 409
    assert raised.value.code == "entry_conflict"
    assert Posting.objects.count() == 2


def test_the_same_reference_under_another_kind_is_a_separate_entry() -> None:
    _sale(reference="order:1")
    entry_post(
        kind="refund",
        reference="order:1",
        lines=[(BUYER_PAYMENTS_CLEARING, D("100.00")), ("provider_receivable:sandbox", D("-100"))],
    )
    assert JournalEntry.objects.count() == 2
    assert account_balance(code="provider_receivable:sandbox") == 0


def test_reversing_an_entry_posts_its_negation_once() -> None:
    sale = _sale()

    correction = entry_reverse(entry_id=sale.pk, reference="fix:1", memo="wrong station")
    again = entry_reverse(entry_id=sale.pk, reference="fix:1")

    assert again.pk == correction.pk
    assert correction.kind == "correction"
    assert correction.reverses_id == sale.pk
    assert sorted(correction.postings.values_list("amount", flat=True)) == [
        D("-100.00"),
        D("100.00"),
    ]
    assert account_balance(code="provider_receivable:sandbox") == 0
    with pytest.raises(EntryAlreadyReversedError):
        entry_reverse(entry_id=sale.pk, reference="fix:2")
    with pytest.raises(EntryConflictError):
        entry_reverse(entry_id=_sale(reference="payment:P2").pk, reference="fix:1")
    with pytest.raises(EntryNotFoundError):
        entry_reverse(entry_id=999_999, reference="fix:3")
    assert ledger_total() == 0


def test_seller_balance_and_statement_follow_what_we_owe_the_seller(clock: Clock) -> None:
    seller_id = 12
    _sale("payment:P1", "100.00")
    _allocation(seller_id, "order:1", "100.00", "5.00")
    clock.advance(days=1)
    middle = clock.now
    _sale("payment:P2", "50.00")
    _allocation(seller_id, "order:2", "50.00", "2.50")
    clock.advance(days=1)
    entry_post(
        kind="refund",
        reference="order:2",
        lines=[
            (seller_payable_account(seller_id), D("47.50")),
            (COMMISSION_INCOME, D("2.50")),
            (BUYER_PAYMENTS_CLEARING, D("-50.00")),
        ],
    )
    _allocation(13, "order:3", "10.00", "0.50")  # someone else's sale

    assert seller_balance(seller_id=seller_id) == D("95.00")
    statement = seller_statement(seller_id=seller_id)
    assert [(line.kind, line.reference, line.amount, line.balance) for line in statement] == [
        ("commission", "order:1", D("95.00"), D("95.00")),
        ("commission", "order:2", D("47.50"), D("142.50")),
        ("refund", "order:2", D("-47.50"), D("95.00")),
    ]
    later = seller_statement(seller_id=seller_id, start=middle)
    assert [(line.amount, line.balance) for line in later] == [
        (D("47.50"), D("142.50")),
        (D("-47.50"), D("95.00")),
    ]
    only_middle = seller_statement(
        seller_id=seller_id, start=middle, end=middle + timedelta(hours=1)
    )
    assert [line.reference for line in only_middle] == ["order:2"]
    assert seller_statement(seller_id=99) == []
    assert ledger_total() == 0
    assert unbalanced_entries() == []


def test_statement_dates_are_aware() -> None:
    _sale()
    _allocation(1, "order:1", "100.00", "5.00")
    (line,) = seller_statement(seller_id=1)
    assert timezone.is_aware(line.date)


def test_entries_for_reference_lists_entries_with_postings() -> None:
    _sale(reference="payment:P9")
    (entry,) = entries_for_reference(reference="payment:P9", kind="payment")
    assert len(entry.postings.all()) == 2
    assert entries_for_reference(reference="payment:P9", kind="refund") == []


def test_account_lock_opens_the_account_and_returns_its_balance() -> None:
    assert account_lock(code="cash:station:4") == 0
    entry_post(
        kind="cash_collected",
        reference="payment:P1",
        lines=[("cash:station:4", D("30.00")), (BUYER_PAYMENTS_CLEARING, D("-30.00"))],
    )
    assert account_lock(code="cash:station:4") == D("30.00")


def test_entry_kinds_in_types_match_the_model() -> None:
    assert sorted(kind.value for kind in EntryKind) == sorted(JournalEntry.Kind.values)
