"""The order timeline is stored as codes and values and read in the reader's language."""

from typing import Any

from django.utils import translation

from xiangcun.orders.models import OrderEvent
from xiangcun.orders.types import order_event_text


def test_a_step_written_in_chinese_reads_in_english() -> None:
    with translation.override("en"):
        assert order_event_text(code="placed", params={}, note="") == "Order placed"
        assert (
            order_event_text(code="refunded", params={"amount": "12.50"}, note="")
            == "Refunded ¥12.50"
        )
    with translation.override("zh-hans"):
        assert order_event_text(code="placed", params={}, note="") == "已下单"


def test_a_typed_note_and_an_unknown_code_read_as_written() -> None:
    assert order_event_text(code="", params={}, note="放在门口") == "放在门口"
    assert order_event_text(code="gone", params={}, note="old words") == "old words"


def test_the_order_page_shows_the_placed_step_in_the_readers_language(
    client: Any, buyer: Any, place: Any, variant: Any
) -> None:
    with translation.override("zh-hans"):  # the step is written while Chinese is active
        order = place([(variant.pk, 1)])
    client.force_login(buyer)
    client.cookies["django_language"] = "en"
    assert OrderEvent.objects.filter(order=order, code="placed").exists()
    page = client.get(f"/orders/{order.pk}/").content.decode()
    assert "Order placed" in page
    assert "已下单" not in page
