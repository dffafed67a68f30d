"""`xiangcun backup` / `xiangcun restore`: a backup taken while orders are being placed and paid
restores into a database whose stock, orders, payments and ledger agree, on SQLite (online
backup API) and PostgreSQL (pg_dump / pg_restore)."""

import sqlite3
import uuid
from pathlib import Path

import psycopg
import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from tests.ops.processes import (
    postgres_env,
    postgres_url,
    sqlite_env,
    writer_start,
    writer_stop,
    writer_wait_for,
    xiangcun,
)

COUNTS = (
    # orders, their payments, and the allocations of the paid ones
    "SELECT count(*) FROM orders_order",
    "SELECT count(*) FROM payments_paymentintent WHERE reference LIKE 'order:%'",
    "SELECT count(*) FROM orders_order WHERE paid_at IS NOT NULL",
    "SELECT count(*) FROM ledger_journalentry WHERE kind = 'payment' AND reference LIKE 'order:%'",
)


def assert_consistent(counts: list[int], *, placed_before: int, placed_after: int) -> None:
    orders, payments, paid, allocations = counts
    # The backup holds the orders placed up to some moment during the writes: whole ones.
    assert placed_before <= orders <= placed_after
    assert payments == orders
    assert allocations == paid
    assert 0 < paid < orders


def test_backup_refuses_an_existing_file(tmp_path: Path) -> None:
    taken = tmp_path / "taken.dump"
    taken.write_bytes(b"keep me")
    with pytest.raises(CommandError, match="already exists"):
        call_command("backup", str(taken))
    assert taken.read_bytes() == b"keep me"
    assert list(tmp_path.iterdir()) == [taken]


def test_restore_refuses_a_missing_file(tmp_path: Path) -> None:
    with pytest.raises(CommandError, match="does not exist"):
        call_command("restore", str(tmp_path / "nothing.dump"), interactive=False)


@pytest.mark.django_db
def test_restore_refuses_a_file_that_is_not_a_backup(tmp_path: Path) -> None:
    junk = tmp_path / "junk.dump"
    junk.write_bytes(b"not a database at all" * 100)
    with pytest.raises(CommandError, match=r"is not an? .*backup"):
        call_command("restore", str(junk), interactive=False)


@pytest.mark.postgres
def test_backup_refuses_when_pg_dump_is_missing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("xiangcun.core.dbbackup.shutil.which", lambda name: None)
    with pytest.raises(CommandError, match="pg_dump is not installed"):
        call_command("backup", str(tmp_path / "backup.dump"))
    assert list(tmp_path.iterdir()) == []


def test_sqlite_backup_taken_under_writes_restores_whole(tmp_path: Path) -> None:
    live, restored = sqlite_env(tmp_path / "live"), sqlite_env(tmp_path / "restored")
    stop = tmp_path / "stop"
    writer = writer_start(stop, live, migrate=True)
    try:
        placed_before = writer_wait_for(writer, 5)
        backup = tmp_path / "backup.sqlite3"
        taken = xiangcun("backup", str(backup), env=live)
        assert taken.returncode == 0, taken.stderr
        writer_wait_for(writer, placed_before + 3)
    finally:
        placed_after = writer_stop(writer, stop)

    done = xiangcun("restore", "--noinput", str(backup), env=restored)
    assert done.returncode == 0, done.stderr
    check = xiangcun("check-integrity", env=restored)
    assert check.returncode == 0, check.stdout + check.stderr
    database = sqlite3.connect(tmp_path / "restored" / "xiangcun.sqlite3")
    try:
        counts = [database.execute(sql).fetchone()[0] for sql in COUNTS]
    finally:
        database.close()
    assert_consistent(counts, placed_before=placed_before, placed_after=placed_after)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_postgres_backup_taken_under_writes_restores_whole(tmp_path: Path) -> None:
    source = str(connection.settings_dict["NAME"])
    fresh = f"xc_restore_{uuid.uuid4().hex[:12]}"
    live = postgres_env(source)
    stop = tmp_path / "stop"
    writer = writer_start(stop, live)
    try:
        placed_before = writer_wait_for(writer, 5)
        backup = tmp_path / "backup.pgdump"
        taken = xiangcun("backup", str(backup), env=live)
        assert taken.returncode == 0, taken.stderr
        writer_wait_for(writer, placed_before + 3)
    finally:
        placed_after = writer_stop(writer, stop)

    with connection.cursor() as cursor:
        cursor.execute(f'CREATE DATABASE "{fresh}"')
    try:
        restored = postgres_env(fresh)
        done = xiangcun("restore", "--noinput", str(backup), env=restored)
        assert done.returncode == 0, done.stderr
        check = xiangcun("check-integrity", env=restored)
        assert check.returncode == 0, check.stdout + check.stderr
        with psycopg.connect(postgres_url(fresh)) as database:
            counts = [database.execute(sql).fetchone()[0] for sql in COUNTS]  # type: ignore[index]  # COUNT(*) has a row
        assert_consistent(counts, placed_before=placed_before, placed_after=placed_after)
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{fresh}" WITH (FORCE)')
