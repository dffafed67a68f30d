"""`xiangcun demo`: loads Danzhai and the demo logins, and a second run adds nothing."""

from io import StringIO

import pytest
from django.apps import apps
from django.core.management import CommandError, call_command

from xiangcun.accounts.services import demo_users_ensure
from xiangcun.web.management.commands.demo import DEMO_PASSWORD


def _row_counts() -> dict[str, int]:
    """Rows of every model of ours (and auth's groups and permissions)."""
    models = [
        model
        for config in apps.get_app_configs()
        if config.name.startswith("xiangcun.") or config.label == "auth"
        for model in config.get_models()
    ]
    return {model._meta.label: model._default_manager.count() for model in models}


def _run(*args: str) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command("demo", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


@pytest.mark.django_db
def test_demo_loads_danzhai_and_prints_the_logins(settings):
    settings.DEBUG = True

    out, err = _run()

    counts = _row_counts()
    assert counts["regions.County"] == 1
    assert counts["regions.Township"] == 7
    assert counts["regions.Station"] >= 9
    assert counts["accounts.User"] >= 1
    assert "demo12345" in out
    logins = demo_users_ensure(password=DEMO_PASSWORD)  # the logins it made, read back
    assert logins
    assert all(login.phone in out for login in logins)
    assert "522636" in out
    assert "100%" in err  # the progress bar goes to stderr, not into the table


@pytest.mark.django_db
def test_demo_twice_creates_no_new_rows(settings):
    settings.DEBUG = True
    _run("--quiet")
    first = _row_counts()

    _run("--quiet")

    assert _row_counts() == first
    assert first["regions.Township"] == 7
    # The whole demo was there to repeat: shops, products, stock, lots, orders, parcels.
    for label in (
        "catalog.Product",
        "inventory.Stock",
        "traceability.Lot",
        "orders.Order",
        "logistics.Parcel",
        "ledger.JournalEntry",
    ):
        assert first[label] > 0, label


@pytest.mark.django_db
def test_demo_quiet_prints_nothing(settings):
    settings.DEBUG = True

    out, err = _run("--quiet")

    assert (out, err) == ("", "")


@pytest.mark.django_db
def test_demo_refuses_to_run_without_debug(settings):
    settings.DEBUG = False

    with pytest.raises(CommandError, match="--force"):
        _run()

    assert _row_counts()["regions.County"] == 0


@pytest.mark.django_db
def test_demo_runs_without_debug_when_forced(settings):
    settings.DEBUG = False

    _run("--force", "--quiet")

    assert _row_counts()["regions.Township"] == 7
