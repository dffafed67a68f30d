"""The driver's route keeps its place: each step's answer comes back to the stop acted on
(without JavaScript, by the #stop-<id> anchor; htmx swaps the stop in place, see tests/e2e), and
only to a page of this site."""

import pytest
from django.test import Client
from django.urls import reverse

from xiangcun.accounts.models import User
from xiangcun.logistics.models import RoutePlan, RouteStop


@pytest.fixture
def stop(planned_day: RoutePlan, driver: User) -> RouteStop:
    found = RouteStop.objects.filter(
        route__driver__user=driver, route__plan__status="active", kind="station"
    ).first()
    assert found is not None
    return found


def test_each_stop_has_an_anchor_and_its_forms_come_back_to_it(
    stop: RouteStop, driver: User
) -> None:
    client = Client()
    client.force_login(driver)
    html = client.get(reverse("logistics:route")).content.decode()
    assert f'id="stop-{stop.pk}"' in html
    assert f'name="next" value="/logistics/route/#stop-{stop.pk}"' in html
    assert f'hx-select="#stop-{stop.pk}"' in html  # htmx swaps this stop alone


def test_a_step_answers_with_the_route_at_that_stop(stop: RouteStop, driver: User) -> None:
    client = Client()
    client.force_login(driver)
    response = client.post(
        reverse("logistics:stop_action", args=[stop.pk]),
        {"action": "arrive", "next": f"/logistics/route/#stop-{stop.pk}"},
    )
    assert response.status_code == 302
    assert response["Location"] == f"/logistics/route/#stop-{stop.pk}"
    stop.refresh_from_db()
    assert stop.status == "arrived"


@pytest.mark.parametrize("elsewhere", ["https://evil.example/", "//evil.example/x"])
def test_a_step_never_sends_the_driver_to_another_site(
    stop: RouteStop, driver: User, elsewhere: str
) -> None:
    client = Client()
    client.force_login(driver)
    response = client.post(
        reverse("logistics:stop_action", args=[stop.pk]), {"action": "arrive", "next": elsewhere}
    )
    assert response.status_code == 302
    assert response["Location"] == "/logistics/route/"
