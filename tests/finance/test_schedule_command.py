"""`xiangcun loan-schedule`: JSON out, exact amounts, exit code 2 for bad terms."""

import json
import os
import re
import subprocess
import sys
from decimal import Decimal
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

XIANGCUN = Path(sys.executable).parent / "xiangcun"
BASE = [
    "--principal",
    "5000",
    "--annual-rate",
    "12",
    "--periods",
    "18",
    "--frequency",
    "monthly",
    "--multiple",
    "1",
    "--first-due",
    "2026-01-31",
]


def run(*args: str) -> tuple[str, dict[str, Any]]:
    out = StringIO()
    call_command("loan_schedule", *args, stdout=out)
    text = out.getvalue()
    return text, json.loads(text, parse_float=Decimal)


def test_the_command_prints_the_declining_schedule_as_json_numbers() -> None:
    text, body = run(*BASE, "--interest", "declining", "--amortization", "equal_installments")
    rows = body["rows"]
    assert isinstance(rows, list)
    assert len(rows) == 18
    assert rows[1] == {
        "n": 2,
        "due": "2026-02-28",
        "principal": Decimal("257.55"),
        "interest": Decimal("47.45"),
        "total": Decimal("305.0"),
        "outstanding": Decimal("4487.45"),
    }
    assert body["total_interest"] == Decimal("488.22")
    # Numbers, not strings, and no binary-float noise such as 47.449999.
    assert '"interest": 47.45' in text
    assert all(len(number.split(".")[1]) <= 2 for number in re.findall(r"\d+\.\d+", text))


def test_the_command_prints_the_flat_schedule() -> None:
    _, body = run(*BASE, "--interest", "flat", "--amortization", "equal_installments")
    rows = body["rows"]
    assert [row["total"] for row in rows] == [Decimal(328)] * 17 + [Decimal(324)]
    assert body["total_interest"] == Decimal(900)


def test_the_command_prints_the_equal_principal_schedule_with_grace() -> None:
    _, body = run(
        *BASE,
        "--interest",
        "declining",
        "--amortization",
        "equal_principal",
        "--grace-principal",
        "3",
    )
    rows = body["rows"]
    assert [row["principal"] for row in rows[:4]] == [0, 0, 0, Decimal("333.33")]


@pytest.mark.parametrize(
    ("change", "flag"),
    [
        ({"--frequency": "daily"}, "--frequency"),
        ({"--principal": "-5000"}, "--principal"),
        ({"--principal": "five thousand"}, "--principal"),
        ({"--annual-rate": "12%"}, "--annual-rate"),
        ({"--periods": "eighteen"}, "--periods"),
        ({"--periods": "1e3"}, "--periods"),
        ({"--first-due": "31/01/2026"}, "--first-due"),
        ({"--multiple": "5000"}, "--multiple"),
    ],
)
def test_bad_arguments_exit_with_code_2_naming_the_flag(change: dict[str, str], flag: str) -> None:
    args = list(BASE)
    for name, value in change.items():
        args[args.index(name) + 1] = value
    with pytest.raises(CommandError) as caught:
        run(*args, "--interest", "flat", "--amortization", "equal_installments")
    assert caught.value.returncode == 2
    assert flag in str(caught.value)


def test_grace_as_long_as_the_loan_exits_with_code_2() -> None:
    with pytest.raises(CommandError) as caught:
        run(
            *BASE,
            "--interest",
            "declining",
            "--amortization",
            "equal_installments",
            "--grace-principal",
            "18",
        )
    assert caught.value.returncode == 2
    assert "--grace-principal" in str(caught.value)


def _xiangcun(*args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "xiangcun.settings"}
    return subprocess.run(  # noqa: S603 (our own command, fixed arguments)
        [str(XIANGCUN), "loan-schedule", *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        check=False,
    )


def test_the_installed_command_prints_json_and_exits_0() -> None:
    done = _xiangcun(*BASE, "--interest", "declining", "--amortization", "equal_principal")
    assert done.returncode == 0, done.stderr
    body = json.loads(done.stdout, parse_float=Decimal)
    assert body["total_interest"] == Decimal("475.00")
    assert body["rows"][-1]["principal"] == Decimal("277.74")


def test_the_installed_command_exits_2_on_stderr_for_bad_terms() -> None:
    args = list(BASE)
    args[args.index("--frequency") + 1] = "fortnightly"
    done = _xiangcun(*args, "--interest", "flat", "--amortization", "equal_installments")
    assert done.returncode == 2
    assert "--frequency" in done.stderr
    assert done.stdout == ""
