"""Running `xiangcun` as a separate process against a chosen database, as an operator would."""

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

from django.db import connection

ROOT = Path(__file__).resolve().parents[2]
XIANGCUN = str(Path(sys.executable).with_name("xiangcun"))


def sqlite_env(data_dir: Path) -> dict[str, str]:
    """The environment of a site on the embedded SQLite database (WAL) in `data_dir`."""
    env = {key: value for key, value in os.environ.items() if key != "DATABASE_URL"}
    env["XIANGCUN_DATA_DIR"] = str(data_dir)
    return env


def postgres_url(name: str) -> str:
    config: dict[str, Any] = connection.settings_dict
    password = f":{config['PASSWORD']}" if config.get("PASSWORD") else ""
    host = config.get("HOST") or "127.0.0.1"
    port = config.get("PORT") or 5432
    return f"postgres://{config['USER']}{password}@{host}:{port}/{name}"


def postgres_env(name: str) -> dict[str, str]:
    """The environment of a site on the PostgreSQL database `name` (same server as the tests)."""
    return {**os.environ, "DATABASE_URL": postgres_url(name)}


def xiangcun(
    *args: str, env: dict[str, str], timeout: float = 120
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(  # noqa: S603 - fixed argv
        [XIANGCUN, *args],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


def writer_start(
    stop_file: Path, env: dict[str, str], *, migrate: bool = False
) -> subprocess.Popen[str]:
    """`tests.ops.writer` in its own process; its stdout counts the orders placed."""
    return subprocess.Popen(  # noqa: S603 - fixed argv
        [
            sys.executable,
            "-m",
            "tests.ops.writer",
            str(stop_file),
            *(["migrate"] if migrate else []),
        ],
        env=env,
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def writer_wait_for(writer: subprocess.Popen[str], orders: int) -> int:
    """Read the writer's count until it reaches `orders`; the count reached."""
    assert writer.stdout is not None
    count = 0
    while count < orders:
        line = writer.stdout.readline()
        if not line:
            _out, err = writer.communicate(timeout=30)
            raise AssertionError(f"the writer stopped after {count} orders: {err[-2000:]}")
        count = int(line)
    return count


def writer_stop(writer: subprocess.Popen[str], stop_file: Path) -> int:
    """Stop the writer; how many orders it placed in all."""
    stop_file.touch()
    out, err = writer.communicate(timeout=60)
    assert writer.returncode == 0, err[-2000:]
    counts = [int(line) for line in out.split()]
    return counts[-1] if counts else 0
