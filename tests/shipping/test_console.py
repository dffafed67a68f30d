"""/console/shipping/: warehouse and programme managers read the rate tables and change a
rate; others are refused; the admin lists every table."""

from decimal import Decimal

import pytest
from django.test import Client

from tests.accounts.factories import UserFactory, user_with_role
from tests.shipping.conftest import GUIYANG
from tests.shipping.factories import PromotionFactory, RemoteSurchargeFactory
from xiangcun.accounts.services import roles_sync
from xiangcun.accounts.types import Role
from xiangcun.catalog.models import Variant
from xiangcun.shipping.errors import ShippingPermissionDeniedError
from xiangcun.shipping.models import CarrierService, Rate
from xiangcun.shipping.selectors import carriers_list, rate_quote
from xiangcun.shipping.services import rate_update

pytestmark = pytest.mark.django_db

CONSOLE = "/console/shipping/"


@pytest.fixture(autouse=True)
def _roles(db: None) -> None:
    roles_sync()


@pytest.mark.parametrize("role", [Role.WAREHOUSE, Role.PROGRAMME_MANAGER])
def test_managers_read_the_rate_tables(
    client: Client, standard: CarrierService, role: Role
) -> None:
    client.force_login(user_with_role(role))
    page = client.get(CONSOLE, headers={"Accept-Language": "zh-hans"})
    assert page.status_code == 200
    html = page.content.decode()
    assert "顺丰" in html
    assert "贵州省" in html
    assert "¥12.00" in html
    assert f"/console/shipping/rates/{standard.zones.first().rate.pk}/" in html


@pytest.mark.parametrize("role", [None, Role.SELLER, Role.PACKER, Role.AGENT])
def test_others_are_refused(client: Client, standard: CarrierService, role: Role | None) -> None:
    client.force_login(user_with_role(role) if role else UserFactory())
    assert client.get(CONSOLE).status_code == 403
    rate = Rate.objects.first()
    assert client.get(f"{CONSOLE}rates/{rate.pk}/").status_code == 403


def test_a_visitor_is_sent_to_log_in(client: Client, standard: CarrierService) -> None:
    answer = client.get(CONSOLE)
    assert answer.status_code == 302
    assert "/accounts/login" in answer["Location"]


def test_the_empty_console_says_what_to_do(client: Client) -> None:
    client.force_login(user_with_role(Role.WAREHOUSE))
    html = client.get(CONSOLE, headers={"Accept-Language": "en"}).content.decode()
    assert "No carriers yet" in html


def test_a_manager_changes_a_rate_and_the_next_quote_uses_it(
    client: Client, standard: CarrierService, honey: Variant
) -> None:
    client.force_login(user_with_role(Role.WAREHOUSE))
    rate = standard.zones.get(name="贵州").rate
    url = f"{CONSOLE}rates/{rate.pk}/"
    assert client.get(url).status_code == 200
    form = {
        "first_weight_g": "1000",
        "first_fee": "10.50",
        "step_g": "500",
        "step_fee": "1.00",
        "cost_first_fee": "8.00",
        "cost_step_fee": "0.80",
    }
    answer = client.post(url, form)
    assert answer.status_code == 302
    rate.refresh_from_db()
    assert (rate.first_fee, rate.step_g) == (Decimal("10.50"), 500)
    # Three jars, 2.4 kg: 1 kg first + three started 500 g steps.
    assert rate_quote(lines=[(honey.pk, 3)], county_code=GUIYANG)[0].fee == Decimal("13.50")


@pytest.mark.parametrize(
    ("field", "value"),
    [("first_fee", "-1"), ("first_fee", "12.345"), ("step_g", "50"), ("step_fee", "abc"),
     ("first_weight_g", "99999999999999999999"), ("cost_step_fee", "1e400")],
)  # fmt: skip
def test_a_bad_figure_is_shown_next_to_its_field(
    client: Client, standard: CarrierService, field: str, value: str
) -> None:
    client.force_login(user_with_role(Role.PROGRAMME_MANAGER))
    rate = Rate.objects.first()
    form = {
        "first_weight_g": "1000",
        "first_fee": "12.00",
        "step_g": "1000",
        "step_fee": "2.00",
        "cost_first_fee": "8.00",
        "cost_step_fee": "1.50",
        field: value,
    }
    answer = client.post(f"{CONSOLE}rates/{rate.pk}/", form)
    assert answer.status_code == 200
    assert answer.context["form"].errors[field]
    rate.refresh_from_db()
    assert rate.first_fee == Decimal("12.00")


def test_the_service_refuses_someone_without_the_permission(standard: CarrierService) -> None:
    rate = Rate.objects.first()
    with pytest.raises(ShippingPermissionDeniedError):
        rate_update(actor=user_with_role(Role.SELLER), rate_id=rate.pk, first_fee="1.00")


def test_an_unknown_rate_is_a_404(client: Client, standard: CarrierService) -> None:
    client.force_login(user_with_role(Role.WAREHOUSE))
    assert client.get(f"{CONSOLE}rates/999999/").status_code == 404


@pytest.fixture
def admin_client(client: Client) -> Client:
    client.force_login(UserFactory(admin=True))
    return client


def test_every_table_is_listed_in_the_admin(admin_client: Client, standard: CarrierService) -> None:
    RemoteSurchargeFactory()
    PromotionFactory()
    for model in ("carrier", "carrierservice", "zone", "rate", "remotesurcharge", "freeshipping"):
        answer = admin_client.get(f"/admin/shipping/{model}/")
        assert answer.status_code == 200, model
    zone = standard.zones.first()
    assert admin_client.get(f"/admin/shipping/zone/{zone.pk}/change/").status_code == 200


def test_the_admin_refuses_a_province_already_in_another_zone(
    admin_client: Client, standard: CarrierService
) -> None:
    answer = admin_client.post(
        "/admin/shipping/zone/add/",
        {
            "service": standard.pk,
            "name": "重复",
            "provinces": ["520000"],
            "days_min": "1",
            "days_max": "2",
            "rate-TOTAL_FORMS": "0",
            "rate-INITIAL_FORMS": "0",
            "rate-MIN_NUM_FORMS": "0",
            "rate-MAX_NUM_FORMS": "1",
        },
    )
    assert answer.status_code == 200
    assert "provinces" in answer.context["adminform"].form.errors


def test_carriers_list_carries_each_carrier_s_services(
    standard: CarrierService, cold_chain: CarrierService, django_assert_num_queries
) -> None:
    # Orders names an order's carrier and service from `services_all`.
    with django_assert_num_queries(2):
        [carrier] = carriers_list()
        codes = [service.code for service in carrier.services_all]
    assert codes == ["cold_chain", "standard"]
