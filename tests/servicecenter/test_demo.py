"""The service centre's demo: residents at agent 13800000004's station who consented there (one
without a phone), the agent's drawer open, one assisted order completed; loading it again adds
nothing."""

from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command

from xiangcun.accounts.models import User
from xiangcun.orders.types import OrderStatus
from xiangcun.servicecenter import selectors
from xiangcun.servicecenter.models import AssistedOrder, Consent, Drawer


@pytest.mark.django_db
def test_the_demo_has_residents_and_a_completed_assisted_order(
    settings: Any, tmp_path: Path
) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"
    for _ in range(2):
        call_command("demo", "--quiet", "--force", stdout=StringIO(), stderr=StringIO())
    agent = User.objects.get(phone="13800000004")
    yang = selectors.residents_find(actor=agent, q="杨阿婆")
    assert len(yang) == 1
    assert yang[0].phone_masked == ""
    assert yang[0].has_login is False
    assert len(selectors.residents_find(actor=agent, q="522636194807160023")) == 1
    assert Consent.objects.filter(withdrawn_at__isnull=True).count() == 3
    assisted = AssistedOrder.objects.get()
    assert assisted.order.status == OrderStatus.COMPLETED
    assert assisted.order.buyer_id is None
    assert Drawer.objects.filter(agent=agent, status="open").count() == 1
