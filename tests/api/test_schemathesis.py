"""Schemathesis against the whole OpenAPI document: every operation, as four callers.

On the demo data (so ids often name real rows), Schemathesis sends each operation a bounded
number of requests that fit the document and as many that do not, as an anonymous visitor, a
buyer, a seller and warehouse staff, each with a fresh API token. Every answer must be no
5xx, carry a status the document lists for the operation, and match that status's schema.

`XIANGCUN_API_FUZZ_EXAMPLES` (default 6 per operation, mode and caller: about a minute per
caller on SQLite) raises the count for a longer run; `XIANGCUN_API_FUZZ_RANDOM=1` draws new
examples instead of the same ones each run.
"""

import contextlib
import os
from collections.abc import Iterator
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
import schemathesis
from django.core import signals
from django.core.cache import cache
from django.core.management import call_command
from django.db import close_old_connections
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis.checks import not_a_server_error
from schemathesis.generation import GenerationMode
from schemathesis.specs.openapi.checks import (
    response_schema_conformance,
    status_code_conformance,
)

from xiangcun.accounts.models import User
from xiangcun.accounts.services import api_token_issue, demo_users_ensure
from xiangcun.accounts.types import Role
from xiangcun.web.management.commands.demo import DEMO_PASSWORD
from xiangcun.wsgi import application

CHECKS = [not_a_server_error, status_code_conformance, response_schema_conformance]
EXAMPLES = int(os.environ.get("XIANGCUN_API_FUZZ_EXAMPLES", "6"))
FUZZ = settings(
    max_examples=EXAMPLES,
    deadline=None,
    database=None,
    derandomize=os.environ.get("XIANGCUN_API_FUZZ_RANDOM") != "1",
    # No shrinking: the report's curl line already reproduces the request.
    phases=[Phase.explicit, Phase.generate],
    suppress_health_check=list(HealthCheck),
)

# Who calls: anonymous, or the demo's login (`xiangcun demo`) of a role.
CALLERS = {
    "anonymous": None,
    "buyer": Role.BUYER,
    "seller": Role.SELLER,
    "warehouse": Role.WAREHOUSE,
}


@pytest.fixture
def demo(db: None, settings: Any, tmp_path: Path) -> Iterator[dict[Role, str]]:
    """The demo loaded as `xiangcun demo` loads it; yields each role's demo login phone."""
    settings.MEDIA_ROOT = tmp_path / "media"
    call_command("demo", "--quiet", "--force", stdout=StringIO(), stderr=StringIO())
    # The demo logins exist now: ensuring them again only reads them back.
    logins = {user.role: user.phone for user in demo_users_ensure(password=DEMO_PASSWORD)}
    cache.clear()  # rate-limit counters from earlier tests on this worker
    # Requests go straight to the WSGI app, whose end-of-request signal would close the test's
    # database connection (PostgreSQL) mid-transaction; Django's test client unhooks it too.
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    try:
        yield logins
    finally:
        signals.request_started.connect(close_old_connections)
        signals.request_finished.connect(close_old_connections)
        cache.clear()


def _headers(phone: str | None) -> dict[str, str]:
    if phone is None:
        return {}
    # A fresh token per operation: DELETE /auth/token revokes the one it is sent with.
    token = api_token_issue(user=User.objects.get(phone=phone)).token
    return {"Authorization": f"Bearer {token}"}


def _fuzz(operation: Any, mode: GenerationMode, headers: dict[str, str]) -> None:
    @FUZZ
    @given(case=operation.as_strategy(generation_mode=mode))
    def run(case: Any) -> None:
        case.call_and_validate(headers=headers, checks=CHECKS)

    # Unsatisfiable: nothing to break in this mode (no parameters, no body).
    with contextlib.suppress(Unsatisfiable):
        run()


@pytest.mark.parametrize("caller", list(CALLERS))
def test_every_operation_answers_as_documented(demo: dict[Role, str], caller: str) -> None:
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", application)
    failures: list[str] = []
    operations = 0
    for result in schema.get_all_operations():
        operation = result.ok()
        operations += 1
        role = CALLERS[caller]
        headers = _headers(None if role is None else demo[role])
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
            try:
                _fuzz(operation, mode, headers)
            # Report every operation's failures, not the first only (Schemathesis raises a
            # FailureGroup, a BaseExceptionGroup).
            except (Exception, BaseExceptionGroup) as error:
                failures.append(f"{operation.label} ({mode.value}):\n{error}")

    assert operations > 40
    assert not failures, "\n\n".join(failures)
