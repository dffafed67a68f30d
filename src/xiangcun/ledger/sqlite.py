"""SQLite support for the ledger's append-only triggers (migration 0002).

SQLite has no TRUNCATE: Django empties a database (the `flush` command, and every test that
commits) with DELETE FROM per table, which the triggers would refuse. Each Django connection
to SQLite gets a `ledger_flushing()` SQL function that is true only while Django's flush runs
on it, and the DELETE triggers let rows through only then, as PostgreSQL's TRUNCATE passes its
row triggers. A connection without the function (the sqlite3 shell) cannot delete at all.
"""

from typing import Any

from django.db.backends.base.base import BaseDatabaseWrapper


def sqlite_connection_prepare(
    sender: object, connection: BaseDatabaseWrapper, **kwargs: Any
) -> None:
    if connection.vendor != "sqlite":
        return
    ops: Any = connection.ops
    if not getattr(ops, "ledger_flush_wrapped", False):
        flush = ops.execute_sql_flush

        def execute_sql_flush(sql_list: list[str]) -> None:
            ops.ledger_flushing = True
            try:
                flush(sql_list)
            finally:
                ops.ledger_flushing = False

        ops.execute_sql_flush = execute_sql_flush
        ops.ledger_flushing = False
        ops.ledger_flush_wrapped = True
    connection.connection.create_function(
        "ledger_flushing", 0, lambda: 1 if ops.ledger_flushing else 0
    )
