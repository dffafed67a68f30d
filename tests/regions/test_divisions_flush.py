"""A flush (what every test that commits ends with) leaves the country's divisions in place."""

import pytest
from django.core.management import call_command

from xiangcun.regions.models import Division


@pytest.mark.django_db(transaction=True)
def test_divisions_come_back_after_a_flush():
    call_command("flush", interactive=False, verbosity=0)
    assert Division.objects.filter(code="440106", parent_id="440100").exists()
    assert Division.objects.filter(level="county").count() >= 2800


@pytest.mark.django_db(transaction=True)
def test_migrate_again_adds_no_second_copy():
    before = Division.objects.count()
    call_command("migrate", verbosity=0)
    assert Division.objects.count() == before
