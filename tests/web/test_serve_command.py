"""`xiangcun serve`: runserver with DEBUG on, collectstatic then gunicorn in production."""

from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from xiangcun.web.management.commands import serve


@pytest.fixture
def calls(monkeypatch: pytest.MonkeyPatch) -> list[tuple[Any, ...]]:
    seen: list[tuple[Any, ...]] = []
    monkeypatch.setattr(serve, "call_command", lambda *a, **kw: seen.append(("call", a, kw)))
    monkeypatch.setattr("os.execv", lambda path, argv: seen.append(("exec", path, argv)))
    return seen


def test_debug_runs_the_development_server_on_port_from_env(
    calls: list[Any], settings: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings.DEBUG = True
    monkeypatch.setenv("PORT", "8123")
    call_command("serve")
    assert calls == [("call", ("runserver", "127.0.0.1:8123"), {"use_reloader": True})]


def test_debug_with_host_and_port_options(calls: list[Any], settings: Any) -> None:
    settings.DEBUG = True
    call_command("serve", "--host", "0.0.0.0", "--port", "9000")  # noqa: S104
    assert calls[0][1] == ("runserver", "0.0.0.0:9000")


def test_production_collects_static_then_execs_gunicorn(calls: list[Any], settings: Any) -> None:
    settings.DEBUG = True
    call_command("serve", "--production", "--port", "8001", "--workers", "3")
    assert calls[0][:2] == ("call", ("collectstatic",))
    assert calls[0][2]["interactive"] is False
    kind, path, argv = calls[1]
    assert kind == "exec"
    assert path.endswith("gunicorn")
    assert argv[1:] == [
        "xiangcun.wsgi:application",
        "--bind",
        "127.0.0.1:8001",
        "--workers",
        "3",
        "--access-logfile",
        "-",
    ]


def test_debug_off_means_gunicorn(calls: list[Any], settings: Any) -> None:
    settings.DEBUG = False
    call_command("serve", "--port", "8002")
    assert [c[0] for c in calls] == ["call", "exec"]
    assert "--workers" in calls[1][2]
    assert int(calls[1][2][calls[1][2].index("--workers") + 1]) >= 3


def test_bad_port_is_refused(calls: list[Any], settings: Any) -> None:
    with pytest.raises(CommandError):
        call_command("serve", "--port", "70000")
    assert calls == []
