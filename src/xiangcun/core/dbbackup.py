"""Backing up and restoring the database, for `xiangcun backup` and `xiangcun restore`.

SQLite is copied with SQLite's online backup API: one consistent copy while the site keeps
writing (WAL lets writers go on while the copy reads). PostgreSQL goes through `pg_dump -Fc`
(a consistent snapshot, also while writing) and `pg_restore --clean --if-exists` in one
transaction. A backup is written next to its target under a temporary name and renamed when
complete, so a half-written file never looks like a backup.
"""

import os
import shutil
import sqlite3
import subprocess
from pathlib import Path
from typing import Any

from django.db import connections

SQLITE_MAGIC = b"SQLite format 3\x00"
POSTGRES_CUSTOM_MAGIC = b"PGDMP"


class BackupError(Exception):
    """A backup or restore that was refused or failed; the message says why."""


def _settings(alias: str) -> dict[str, Any]:
    return dict(connections[alias].settings_dict)


def database_vendor(alias: str = "default") -> str:
    return str(connections[alias].vendor)


def database_label(alias: str = "default") -> str:
    """What the database is, for messages: a file path or host/name (never a password)."""
    config = _settings(alias)
    if database_vendor(alias) == "sqlite":
        return str(config["NAME"])
    return f"{config.get('HOST') or 'localhost'}:{config.get('PORT') or 5432}/{config['NAME']}"


def _partial(target: Path) -> Path:
    return target.with_name(f".{target.name}.partial")


def _target_check(target: Path) -> None:
    if target.exists():
        raise BackupError(f"{target} already exists: choose a new file name")
    if not target.parent.is_dir():
        raise BackupError(f"{target.parent} is not a directory")


def _postgres_tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        raise BackupError(
            f"{name} is not installed: install the PostgreSQL client tools "
            "(apt-get install postgresql-client), the same major version as the server"
        )
    return path


def _postgres_env(config: dict[str, Any]) -> dict[str, str]:
    """libpq's environment for the tools: the password never appears in a command line."""
    env = dict(os.environ)
    values = {
        "PGHOST": config.get("HOST"),
        "PGPORT": config.get("PORT"),
        "PGUSER": config.get("USER"),
        "PGPASSWORD": config.get("PASSWORD"),
        "PGDATABASE": config.get("NAME"),
    }
    env.update({key: str(value) for key, value in values.items() if value})
    return env


def _run(argv: list[str], env: dict[str, str]) -> None:
    result = subprocess.run(argv, env=env, capture_output=True, text=True, check=False)  # noqa: S603
    if result.returncode != 0:
        detail = (result.stderr or result.stdout).strip().splitlines()
        raise BackupError(f"{Path(argv[0]).name} failed: {' / '.join(detail[-5:])}")


def backup(target: Path, *, alias: str = "default") -> Path:
    """Write a consistent copy of the database to `target` (which must not exist yet)."""
    target = target.expanduser().absolute()
    _target_check(target)
    partial = _partial(target)
    partial.unlink(missing_ok=True)
    config = _settings(alias)
    try:
        if database_vendor(alias) == "sqlite":
            _sqlite_copy(Path(config["NAME"]), partial)
        elif database_vendor(alias) == "postgresql":
            pg_dump = _postgres_tool("pg_dump")
            _run([pg_dump, "--format=custom", f"--file={partial}"], _postgres_env(config))
        else:
            raise BackupError(f"no backup for a {database_vendor(alias)} database")
        if target.exists():
            raise BackupError(f"{target} appeared while the backup ran")
        partial.rename(target)
    finally:
        partial.unlink(missing_ok=True)
    return target


def _sqlite_copy(source: Path, target: Path) -> None:
    if str(source) in ("", ":memory:") or "mode=memory" in str(source) or not source.is_file():
        raise BackupError(f"{source} is not a database file")
    # One step (pages=-1): the copy holds a read snapshot throughout, so it is consistent;
    # with WAL the site's writers are not held up meanwhile.
    with sqlite3.connect(source) as src, sqlite3.connect(target) as dst:
        src.execute("PRAGMA busy_timeout=20000")
        src.backup(dst, pages=-1)
    src.close()
    dst.close()


def _sqlite_backup_check(path: Path) -> None:
    with path.open("rb") as file:
        if file.read(16) != SQLITE_MAGIC:
            raise BackupError(f"{path} is not an SQLite backup")
    check = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        result = check.execute("PRAGMA integrity_check").fetchone()
        tables = check.execute(
            "SELECT count(*) FROM sqlite_master WHERE type='table' AND name='django_migrations'"
        ).fetchone()
    finally:
        check.close()
    if result is None or result[0] != "ok":
        raise BackupError(f"{path} is damaged: {result[0] if result else 'unreadable'}")
    if not tables or tables[0] != 1:
        raise BackupError(f"{path} is not a Xiangcun database (no django_migrations table)")


def restore(source: Path, *, alias: str = "default") -> None:
    """Replace the database's contents with the backup at `source`."""
    source = source.expanduser().absolute()
    if not source.is_file():
        raise BackupError(f"{source} does not exist")
    config = _settings(alias)
    if database_vendor(alias) == "sqlite":
        _sqlite_backup_check(source)
        target = Path(config["NAME"])
        if str(target) in ("", ":memory:") or "mode=memory" in str(target):
            raise BackupError("the database is in memory: nothing to restore into")
        connections[alias].close()
        # The backup API writes through SQLite's locks, so a live WAL database is replaced
        # whole (readers see the old or the new one) rather than overwritten under it.
        with sqlite3.connect(source) as src, sqlite3.connect(target) as dst:
            dst.execute("PRAGMA busy_timeout=20000")
            src.backup(dst, pages=-1)
        src.close()
        dst.close()
    elif database_vendor(alias) == "postgresql":
        with source.open("rb") as file:
            if file.read(5) != POSTGRES_CUSTOM_MAGIC:
                raise BackupError(f"{source} is not a pg_dump custom-format backup")
        pg_restore = _postgres_tool("pg_restore")
        env = _postgres_env(config)
        connections[alias].close()
        _run(
            [
                pg_restore,
                "--clean",
                "--if-exists",
                "--no-owner",
                "--single-transaction",
                "--exit-on-error",
                f"--dbname={env['PGDATABASE']}",
                str(source),
            ],
            env,
        )
    else:
        raise BackupError(f"no restore for a {database_vendor(alias)} database")
