"""The counter console's server side: the page, the catalogue snapshot it keeps for offline use,
the service worker and manifest, and the JSON endpoint its queue sends orders to (idempotent on
the console's key; price and stock conflicts answered line by line; never a 500)."""

import json
import uuid
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from tests.accounts.factories import UserFactory
from tests.regions.factories import StationFactory
from tests.servicecenter.factories import (
    agent_at,
    consented_resident,
    goods_in_stock,
    supervisor,
)
from xiangcun.accounts.models import ResidentProfile, User
from xiangcun.catalog.models import Variant
from xiangcun.catalog.services import products_reindex
from xiangcun.ledger.models import JournalEntry
from xiangcun.orders.models import Order
from xiangcun.regions.models import Station
from xiangcun.servicecenter import services
from xiangcun.servicecenter.models import AssistedOrder, DrawerMovement
from xiangcun.servicecenter.views.counter_snapshot import search_terms

pytestmark = pytest.mark.django_db

ORDERS_URL = "/servicecenter/counter/orders/"


class Counter:
    """An agent at their station with an open drawer, a consenting resident, two goods."""

    def __init__(self) -> None:
        self.station: Station = StationFactory()
        self.agent: User = agent_at(self.station)
        self.resident: ResidentProfile = consented_resident(self.station, self.agent)
        self.rice: Variant = goods_in_stock(price=Decimal("12.50"), on_hand=20)
        self.honey: Variant = goods_in_stock(price=Decimal("45.00"), on_hand=2)
        services.drawer_open(actor=self.agent, float_amount=Decimal("200.00"))
        self.client = Client(enforce_csrf_checks=True)
        self.client.force_login(self.agent)
        self.client.get(reverse("servicecenter:counter"))  # sets the CSRF cookie

    def body(self, **changes: Any) -> dict[str, Any]:
        body: dict[str, Any] = {
            "resident": self.resident.pk,
            "payment_method": "cash",
            "lines": [{"variant": self.rice.pk, "quantity": 2, "price": "12.50"}],
        }
        body.update(changes)
        return body

    def post(self, body: Any, key: str | None = None, raw: bytes | None = None) -> Any:
        return self.client.post(
            ORDERS_URL,
            data=raw if raw is not None else json.dumps(body),
            content_type="application/json",
            HTTP_ACCEPT="application/json",
            HTTP_IDEMPOTENCY_KEY=key if key is not None else str(uuid.uuid4()),
            HTTP_X_CSRFTOKEN=self.client.cookies["csrftoken"].value,
        )


@pytest.fixture
def counter() -> Counter:
    return Counter()


def cash_movements(counter: Counter) -> int:
    return DrawerMovement.objects.filter(
        drawer__agent=counter.agent, kind=DrawerMovement.Kind.ORDER_CASH
    ).count()


def test_a_queued_cash_order_is_placed_and_paid_into_the_drawer(counter: Counter) -> None:
    answer = counter.post(counter.body())
    assert answer.status_code == 201, answer.content
    body = answer.json()
    order = Order.objects.get(pk=body["id"])
    assert body["number"] == order.number
    assert body["total"] == "25.00"
    assert body["created"] is True
    assert body["receipt_url"].endswith(f"/{order.pk}/receipt/")
    assert order.placed_by_id == counter.agent.pk
    assert order.station_id == counter.station.pk
    assert order.paid_at is not None
    assert cash_movements(counter) == 1


def test_the_same_key_again_answers_the_same_order_and_takes_no_more_cash(
    counter: Counter,
) -> None:
    key = str(uuid.uuid4())
    first = counter.post(counter.body(), key=key)
    entries = JournalEntry.objects.count()
    for _ in range(3):
        again = counter.post(counter.body(), key=key)
        assert again.status_code == 200
        assert again.json()["id"] == first.json()["id"]
        assert again.json()["created"] is False
    assert AssistedOrder.objects.count() == 1
    assert Order.objects.count() == 1
    assert cash_movements(counter) == 1
    assert JournalEntry.objects.count() == entries


def test_the_same_key_with_another_order_is_refused(counter: Counter) -> None:
    key = str(uuid.uuid4())
    counter.post(counter.body(), key=key)
    other = counter.body(lines=[{"variant": counter.rice.pk, "quantity": 3, "price": "12.50"}])
    answer = counter.post(other, key=key)
    assert answer.status_code == 409
    assert answer.json()["code"] == "idempotency_conflict"
    assert Order.objects.count() == 1


def test_a_price_changed_offline_is_refused_line_by_line(counter: Counter) -> None:
    Variant.objects.filter(pk=counter.rice.pk).update(price=Decimal("13.00"))
    answer = counter.post(counter.body())
    assert answer.status_code == 409
    body = answer.json()
    assert body["code"] == "price_changed"
    assert body["details"]["lines"] == [
        {"variant": counter.rice.pk, "expected": "12.50", "price": "13.00"}
    ]
    assert Order.objects.count() == 0
    assert cash_movements(counter) == 0
    # The agent accepts the new price: sent again under a new key, it is placed at ¥13.00.
    accepted = counter.body(lines=[{"variant": counter.rice.pk, "quantity": 2, "price": "13.00"}])
    answer = counter.post(accepted)
    assert answer.status_code == 201
    assert answer.json()["total"] == "26.00"


def test_goods_sold_out_offline_are_refused_with_what_is_left(counter: Counter) -> None:
    body = counter.body(lines=[{"variant": counter.honey.pk, "quantity": 5, "price": "45.00"}])
    answer = counter.post(body)
    assert answer.status_code == 409
    refusal = answer.json()
    assert refusal["code"] == "insufficient_stock"
    assert refusal["details"]["variant_id"] == counter.honey.pk
    assert refusal["details"]["available"] == 2
    assert Order.objects.count() == 0


def test_cash_without_an_open_drawer_waits_for_the_agents_decision() -> None:
    station = StationFactory()
    agent = agent_at(station)
    resident = consented_resident(station, agent)
    rice = goods_in_stock()
    client = Client()
    client.force_login(agent)
    answer = client.post(
        ORDERS_URL,
        data=json.dumps(
            {
                "resident": resident.pk,
                "payment_method": "cash",
                "lines": [{"variant": rice.pk, "quantity": 1, "price": f"{rice.price:.2f}"}],
            }
        ),
        content_type="application/json",
        HTTP_IDEMPOTENCY_KEY=str(uuid.uuid4()),
    )
    assert answer.status_code == 409
    assert answer.json()["code"] == "no_open_drawer"
    assert Order.objects.count() == 0


@pytest.mark.parametrize(
    "raw",
    [
        b"",
        b"not json",
        b"\xff\xfe",
        b"[]",
        b"null",
        b'{"resident": "1"}',
        b'{"resident": 1, "payment_method": "gold", "lines": []}',
        b'{"resident": 1, "payment_method": "cash", "lines": "rice"}',
        b'{"resident": 1, "payment_method": "cash", "lines": [{"variant": 1}]}',
        b'{"resident": 1, "payment_method": "cash", "lines": [{"variant": 1, "quantity": 1,'
        b' "price": "NaN"}]}',
        b'{"resident": 1, "payment_method": "cash", "lines": [{"variant": 1, "quantity": 1,'
        b' "price": "1e999"}]}',
        b'{"resident": 1, "payment_method": "cash", "lines": [{"variant": 1, "quantity": 1,'
        b' "price": "1.005"}]}',
        b'{"resident": 1, "payment_method": "cash", "lines": [{"variant": 1, "quantity": true,'
        b' "price": "1.00"}]}',
        b'{"resident": 99999999999999999999, "payment_method": "cash", "lines": []}',
        b'{"resident": 1, "station": -4, "payment_method": "cash", "lines": []}',
        b"[" * 5000 + b"]" * 5000,
        b'{"resident": 1, "payment_method": "cash", "lines": [' + b"{}," * 60 + b"{}]}",
        b"x" * 40_000,
    ],
)
def test_a_bad_body_is_refused_in_json_never_a_500(counter: Counter, raw: bytes) -> None:
    answer = counter.post(None, raw=raw)
    assert answer.status_code == 400
    assert answer["Content-Type"].startswith("application/json")
    assert answer.json()["code"] == "invalid_order"
    assert Order.objects.count() == 0


@pytest.mark.parametrize("key", ["", "has space", "ключ", "x" * 65])
def test_a_bad_key_is_refused(counter: Counter, key: str) -> None:
    answer = counter.post(counter.body(), key=key)
    assert answer.status_code == 400
    assert answer.json()["code"] == "invalid_idempotency_key"


def test_a_resident_who_consented_elsewhere_is_refused(counter: Counter) -> None:
    elsewhere = StationFactory()
    stranger = consented_resident(elsewhere, agent_at(elsewhere))
    answer = counter.post(counter.body(resident=stranger.pk))
    assert answer.status_code == 403
    assert answer.json()["code"] == "no_consent"
    assert Order.objects.count() == 0


def test_only_agents_and_their_supervisors_may_place(counter: Counter) -> None:
    buyer = Client()
    buyer.force_login(UserFactory())
    answer = buyer.post(
        ORDERS_URL,
        data=json.dumps(counter.body()),
        content_type="application/json",
        HTTP_IDEMPOTENCY_KEY=str(uuid.uuid4()),
    )
    assert answer.status_code == 403
    assert answer.json()["code"] == "not_an_agent"
    # Another station's agent names this station: refused.
    other = Client()
    other.force_login(agent_at(StationFactory()))
    answer = other.post(
        ORDERS_URL,
        data=json.dumps(counter.body(station=counter.station.pk)),
        content_type="application/json",
        HTTP_IDEMPOTENCY_KEY=str(uuid.uuid4()),
    )
    assert answer.status_code == 403
    assert answer.json()["code"] == "not_your_station"
    assert Order.objects.count() == 0


def test_logged_out_is_401_json_so_the_queue_keeps_the_order(counter: Counter) -> None:
    answer = Client().post(
        ORDERS_URL,
        data=json.dumps(counter.body()),
        content_type="application/json",
        HTTP_IDEMPOTENCY_KEY=str(uuid.uuid4()),
    )
    assert answer.status_code == 401
    assert answer.json()["code"] == "not_authenticated"


def test_without_the_csrf_token_nothing_is_placed(counter: Counter) -> None:
    answer = counter.client.post(
        ORDERS_URL,
        data=json.dumps(counter.body()),
        content_type="application/json",
        HTTP_IDEMPOTENCY_KEY=str(uuid.uuid4()),
    )
    assert answer.status_code == 403
    assert Order.objects.count() == 0


def test_a_supervisor_names_the_station(counter: Counter) -> None:
    boss = Client()
    boss.force_login(supervisor())
    choose = boss.get(reverse("servicecenter:counter"))  # first the station to act for
    assert choose.status_code == 200
    assert f"?station={counter.station.pk}" in choose.content.decode()
    page = boss.get(reverse("servicecenter:counter") + f"?station={counter.station.pk}")
    assert page.status_code == 200


# --- the page, the snapshot, the worker ---------------------------------------------------------


def test_the_page_shows_the_resident_and_finds_others(counter: Counter) -> None:
    url = reverse("servicecenter:counter")
    page = counter.client.get(f"{url}?resident={counter.resident.pk}")
    assert page.status_code == 200
    html = page.content.decode()
    assert f'data-resident-id="{counter.resident.pk}"' in html
    assert 'rel="manifest"' in html
    assert "<script>" not in html  # CSP: script-src 'self', no inline script
    found = counter.client.get(f"{url}?q={counter.resident.name}")
    assert f"?resident={counter.resident.pk}" in found.content.decode()


def test_the_page_refuses_a_buyer_and_a_resident_without_consent(counter: Counter) -> None:
    buyer = Client()
    buyer.force_login(UserFactory())
    assert buyer.get(reverse("servicecenter:counter")).status_code == 403
    elsewhere = StationFactory()
    stranger = consented_resident(elsewhere, agent_at(elsewhere))
    url = reverse("servicecenter:counter") + f"?resident={stranger.pk}"
    assert counter.client.get(url).status_code == 403
    assert counter.client.get(reverse("servicecenter:counter") + "?resident=x%00").status_code in {
        200,
        400,
    }


def test_the_snapshot_holds_the_stations_usual_goods_first_with_pinyin(
    counter: Counter, django_capture_on_commit_callbacks: Any
) -> None:
    Variant.objects.filter(pk=counter.honey.pk).update(name="土蜂蜜")
    # The rice was never ordered here: it fills the snapshot up as one of the newest goods.
    with django_capture_on_commit_callbacks(execute=True):
        products_reindex(product_ids=[counter.rice.product_id, counter.honey.product_id])
    counter.post(
        counter.body(lines=[{"variant": counter.honey.pk, "quantity": 1, "price": "45.00"}])
    )
    answer = counter.client.get(reverse("servicecenter:counter_snapshot"))
    assert answer.status_code == 200
    items = answer.json()["items"]
    assert items[0]["variant"] == counter.honey.pk  # ordered here: first
    assert {item["variant"] for item in items} >= {counter.rice.pk, counter.honey.pk}
    honey = items[0]
    assert honey["price"] == "45.00"
    assert honey["stock"] == 1
    assert "tufengmi" in honey["terms"].split()
    assert "tfm" in honey["terms"].split()
    assert len(items) <= 300


def test_pinyin_terms() -> None:
    terms = search_terms("丹寨硒锌大米", "Rice 5kg").split()
    assert {"danzhaixixindami", "dzxxdm", "dan", "mi", "rice", "5kg"} <= set(terms)


def test_the_search_and_residents_answer_json_and_refuse_strangers(counter: Counter) -> None:
    search = counter.client.get(reverse("servicecenter:counter_search") + "?q=x")
    assert search.status_code == 200
    assert "items" in search.json()
    residents = counter.client.get(
        reverse("servicecenter:counter_residents") + f"?q={counter.resident.name}"
    )
    assert [row["id"] for row in residents.json()["items"]] == [counter.resident.pk]
    assert Client().get(reverse("servicecenter:counter_snapshot")).status_code == 401
    buyer = Client()
    buyer.force_login(UserFactory())
    assert buyer.get(reverse("servicecenter:counter_residents") + "?q=a").status_code == 403


def test_the_worker_and_manifest(counter: Counter) -> None:
    worker = Client().get("/servicecenter/sw.js")
    assert worker.status_code == 200
    assert worker["Content-Type"].startswith("text/javascript")
    assert worker["Service-Worker-Allowed"] == "/servicecenter/"
    assert "/static/servicecenter/counter.js" in worker.content.decode()
    manifest = Client().get("/servicecenter/manifest.webmanifest")
    body = json.loads(manifest.content)
    assert body["start_url"] == "/servicecenter/counter/"
    assert body["scope"] == "/servicecenter/"
    assert {icon["sizes"] for icon in body["icons"]} >= {"192x192", "512x512"}
