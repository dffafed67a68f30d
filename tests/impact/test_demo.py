"""The impact demo: after `xiangcun demo` the dashboard has residents reached in every way, the
poverty register has households reached and households not reached yet, and the figures are
built; loading it again adds nothing."""

from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from xiangcun.accounts.models import User
from xiangcun.impact.demo import QUIET_HOUSEHOLDS
from xiangcun.impact.models import BuiltDay, ReachDay, Way
from xiangcun.impact.selectors.households import impact_households
from xiangcun.impact.types import Scope


@pytest.mark.django_db
def test_the_demo_reaches_residents_every_way_and_leaves_households_to_reach(
    settings: Any, tmp_path: Path, client: Client
) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"
    call_command("demo", "--quiet", "--force", stdout=StringIO(), stderr=StringIO())
    ways = set(ReachDay.objects.values_list("way", flat=True))
    assert ways == set(Way.values)
    unreached = impact_households(Scope(), reached=False, limit=50)
    assert {row.register_number for row in unreached.rows} >= {n for n, *_ in QUIET_HOUSEHOLDS}
    reached = impact_households(Scope(), reached=True, limit=50)
    assert reached.total >= 2
    built = BuiltDay.objects.count()
    residents = ReachDay.objects.values("resident_id").distinct().count()

    call_command("demo", "--quiet", "--force", stdout=StringIO(), stderr=StringIO())
    assert ReachDay.objects.values("resident_id").distinct().count() == residents
    assert impact_households(Scope(), reached=False, limit=50).total == unreached.total
    assert BuiltDay.objects.count() >= built

    client.force_login(User.objects.get(phone="13800000013"))  # the demo programme manager
    html = client.get(reverse("impact:dashboard"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert 'data-testid="impact-empty"' not in html
    assert 'data-chart="areas"' in html
