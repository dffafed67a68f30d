"""The database itself refuses to change or delete ledger rows (triggers from migration 0002),
on SQLite and on PostgreSQL alike."""

from decimal import Decimal

import pytest
from django.db import IntegrityError, connection, transaction
from django.db.models.deletion import ProtectedError

from xiangcun.ledger.models import Account, JournalEntry, Posting
from xiangcun.ledger.selectors import ledger_total
from xiangcun.ledger.services import entry_post
from xiangcun.ledger.types import BUYER_PAYMENTS_CLEARING, station_cash_account


def _entry() -> JournalEntry:
    return entry_post(
        kind="cash_collected",
        reference="payment:P1",
        lines=[
            (station_cash_account(1), Decimal("20.00")),
            (BUYER_PAYMENTS_CLEARING, Decimal("-20")),
        ],
    )


def _refused(sql: str, params: list[object]) -> None:
    with (
        pytest.raises(IntegrityError, match="never changed or deleted"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(sql, params)


@pytest.mark.django_db
def test_postings_cannot_be_updated_or_deleted() -> None:
    entry = _entry()
    posting = entry.postings.first()
    assert posting is not None

    _refused("UPDATE ledger_posting SET amount = 0.01 WHERE id = %s", [posting.pk])
    _refused("DELETE FROM ledger_posting WHERE id = %s", [posting.pk])
    with pytest.raises(IntegrityError), transaction.atomic():
        Posting.objects.filter(pk=posting.pk).update(amount=Decimal("25.00"))

    assert sorted(Posting.objects.values_list("amount", flat=True)) == [
        Decimal("-20.00"),
        Decimal("20.00"),
    ]
    assert ledger_total() == 0


@pytest.mark.django_db
def test_entries_cannot_be_updated_or_deleted() -> None:
    entry = _entry()

    _refused("UPDATE ledger_journalentry SET memo = 'edited' WHERE id = %s", [entry.pk])
    _refused("UPDATE ledger_journalentry SET reference = 'payment:P2' WHERE id = %s", [entry.pk])
    _refused("DELETE FROM ledger_journalentry WHERE id = %s", [entry.pk])
    entry.memo = "edited"
    with pytest.raises(IntegrityError), transaction.atomic():
        entry.save()
    # The ORM refuses even before the database is asked: postings protect their entry.
    with pytest.raises(ProtectedError):
        entry.delete()

    stored = JournalEntry.objects.get(pk=entry.pk)
    assert (stored.memo, stored.reference) == ("", "payment:P1")
    assert stored.postings.count() == 2


@pytest.mark.django_db
def test_an_account_keeps_its_code_and_kind_but_may_be_renamed() -> None:
    _entry()
    account = Account.objects.get(code="cash:station:1")

    _refused("UPDATE ledger_account SET code = 'cash:station:2' WHERE id = %s", [account.pk])
    _refused("UPDATE ledger_account SET kind = 'income' WHERE id = %s", [account.pk])
    Account.objects.filter(pk=account.pk).update(name="Cash at Paika station")

    account.refresh_from_db()
    assert (account.code, account.kind, account.name) == (
        "cash:station:1",
        "asset",
        "Cash at Paika station",
    )


@pytest.mark.django_db
def test_deleting_the_accounts_first_opens_no_way_to_delete_postings() -> None:
    _entry()
    entry_post(
        kind="cash_collected",
        reference="payment:P2",
        lines=[(station_cash_account(2), Decimal("5.00")), ("cash:county", Decimal("-5.00"))],
    )
    posting = Posting.objects.filter(account__code="cash:station:2").get()
    # Only Django's flush gets past the triggers.
    with pytest.raises(IntegrityError), transaction.atomic(), connection.cursor() as cursor:  # noqa: PT012
        cursor.execute("DELETE FROM ledger_account WHERE code = %s", ["cash:station:2"])
        cursor.execute("DELETE FROM ledger_posting WHERE id = %s", [posting.pk])
    assert Posting.objects.count() == 4


@pytest.mark.django_db(transaction=True)
def test_a_test_database_with_ledger_rows_can_still_be_flushed() -> None:
    # Tests that commit (browser tests, concurrency tests) end with a flush of every table;
    # the append-only triggers must let that through (TRUNCATE on PostgreSQL, on SQLite a
    # DELETE of every account first). The flush after this test is the check.
    _entry()
    assert JournalEntry.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_the_flush_left_an_empty_ledger_with_its_triggers_in_place() -> None:
    assert JournalEntry.objects.count() == Posting.objects.count() == 0
    entry = _entry()
    with pytest.raises(IntegrityError), connection.cursor() as cursor:
        cursor.execute("UPDATE ledger_posting SET amount = 1 WHERE entry_id = %s", [entry.pk])
