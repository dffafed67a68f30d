"""The jobs demo: three postings (a driver, packers at 3,500 yuan a month, a courier), a fair
offering them with three people entered; loading it again adds nothing."""

from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command

from xiangcun.jobs.models import Application, Fair, Posting
from xiangcun.jobs.selectors import postings_open


@pytest.mark.django_db
def test_the_demo_has_postings_and_a_fair_and_loads_twice(settings: Any, tmp_path: Path) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"
    for _ in range(2):
        call_command("demo", "--quiet", "--force", stdout=StringIO(), stderr=StringIO())
    roles = {card.role: card for card in postings_open()}
    assert set(roles) == {"driver", "packer", "courier"}
    assert (roles["packer"].wage_min, roles["packer"].wage_max) == (3500, 3500)
    assert Posting.objects.count() == 3
    assert Fair.objects.get().postings.count() == 3
    assert Application.objects.filter(source="fair").count() == 3
