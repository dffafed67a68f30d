"""Make the ledger append-only in the database itself: UPDATE and DELETE of journal entries and
postings are rejected, and an account cannot change its code or kind.

The one way to empty the ledger is to wipe the database, the way a test database is
flushed: PostgreSQL's TRUNCATE fires no row triggers, and on SQLite (whose flush runs DELETE
FROM per table) the DELETE triggers pass while Django's flush runs (see ledger/sqlite.py).
"""

from django.db import migrations

MESSAGE = "ledger rows are never changed or deleted: post a correcting entry"

SQLITE_FORWARD = [
    f"""
    CREATE TRIGGER ledger_{table}_no_update BEFORE UPDATE ON ledger_{table}
    BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END;
    """
    for table in ("journalentry", "posting")
] + [
    f"""
    CREATE TRIGGER ledger_{table}_no_delete BEFORE DELETE ON ledger_{table}
    WHEN NOT ledger_flushing()
    BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END;
    """
    for table in ("journalentry", "posting")
] + [
    f"""
    CREATE TRIGGER ledger_account_code_fixed BEFORE UPDATE ON ledger_account
    WHEN OLD.code IS NOT NEW.code OR OLD.kind IS NOT NEW.kind
    BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END;
    """
]
SQLITE_BACKWARD = [
    "DROP TRIGGER IF EXISTS ledger_journalentry_no_update;",
    "DROP TRIGGER IF EXISTS ledger_posting_no_update;",
    "DROP TRIGGER IF EXISTS ledger_journalentry_no_delete;",
    "DROP TRIGGER IF EXISTS ledger_posting_no_delete;",
    "DROP TRIGGER IF EXISTS ledger_account_code_fixed;",
]

POSTGRES_FORWARD = [
    f"""
    CREATE OR REPLACE FUNCTION ledger_reject_change() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        RAISE EXCEPTION '{MESSAGE} (%)', TG_TABLE_NAME USING ERRCODE = 'restrict_violation';
    END
    $$;
    """,
    """
    CREATE TRIGGER ledger_journalentry_append_only BEFORE UPDATE OR DELETE ON ledger_journalentry
    FOR EACH ROW EXECUTE FUNCTION ledger_reject_change();
    """,
    """
    CREATE TRIGGER ledger_posting_append_only BEFORE UPDATE OR DELETE ON ledger_posting
    FOR EACH ROW EXECUTE FUNCTION ledger_reject_change();
    """,
    """
    CREATE TRIGGER ledger_account_code_fixed BEFORE UPDATE ON ledger_account
    FOR EACH ROW WHEN (OLD.code IS DISTINCT FROM NEW.code OR OLD.kind IS DISTINCT FROM NEW.kind)
    EXECUTE FUNCTION ledger_reject_change();
    """,
]
POSTGRES_BACKWARD = [
    "DROP TRIGGER IF EXISTS ledger_journalentry_append_only ON ledger_journalentry;",
    "DROP TRIGGER IF EXISTS ledger_posting_append_only ON ledger_posting;",
    "DROP TRIGGER IF EXISTS ledger_account_code_fixed ON ledger_account;",
    "DROP FUNCTION IF EXISTS ledger_reject_change();",
]

SQL = {
    "sqlite": (SQLITE_FORWARD, SQLITE_BACKWARD),
    "postgresql": (POSTGRES_FORWARD, POSTGRES_BACKWARD),
}


def _run(schema_editor, statements):
    for statement in statements:
        schema_editor.execute(statement, params=None)


def forward(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor not in SQL:
        raise RuntimeError(f"No append-only triggers for the {vendor} database")
    _run(schema_editor, SQL[vendor][0])


def backward(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor in SQL:
        _run(schema_editor, SQL[vendor][1])


class Migration(migrations.Migration):
    dependencies = [("ledger", "0001_initial")]

    operations = [migrations.RunPython(forward, backward)]
