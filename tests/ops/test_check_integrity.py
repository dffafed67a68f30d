"""`xiangcun check-integrity`: a shop built through the services passes; each kind of damage
done behind the services' back (raw updates and inserts) is named."""

from decimal import Decimal
from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db.models import F

from tests.ops.world import Shop, order_place, shop_with_history
from xiangcun.inventory.models import Reservation, Stock
from xiangcun.ledger.models import Account, JournalEntry, Posting
from xiangcun.orders.models import Order, OrderLine, ReturnRequest
from xiangcun.payments.models import PaymentIntent, Refund
from xiangcun.web.management.commands.check_integrity import integrity_problems

pytestmark = pytest.mark.django_db


@pytest.fixture
def shop() -> Shop:
    return shop_with_history()


def checks() -> set[str]:
    return {problem.check for problem in integrity_problems()}


def test_a_shop_built_through_the_services_passes(shop: Shop) -> None:
    out = StringIO()
    call_command("check_integrity", stdout=out)
    assert "OK" in out.getvalue()
    statuses = {order.status for order in shop.orders.values()}
    assert statuses == {"paid", "pending_payment", "cancelled", "refunded"}


def test_a_mismatch_exits_non_zero_and_names_the_record(shop: Shop) -> None:
    stock = Stock.objects.get(variant=shop.variants[0])
    Stock.objects.filter(pk=stock.pk).update(reserved=F("reserved") + 1)
    out = StringIO()
    with pytest.raises(CommandError, match="1 problem"):
        call_command("check_integrity", stdout=out)
    assert f"stock_reserved_mismatch: stock {stock.pk}" in out.getvalue()


def test_reserved_units_without_a_reservation(shop: Shop) -> None:
    Stock.objects.filter(variant=shop.variants[1]).update(reserved=F("reserved") + 2)
    assert checks() == {"stock_reserved_mismatch"}


def test_on_hand_changed_without_a_movement(shop: Shop) -> None:
    Stock.objects.filter(variant=shop.variants[0]).update(on_hand=F("on_hand") + 5)
    assert checks() == {"stock_movements_mismatch"}


def test_a_sold_reservation_put_back_is_seen_by_inventory_and_orders(shop: Shop) -> None:
    Reservation.objects.filter(
        reference=f"order:{shop.orders['paid'].number}", status="consumed"
    ).update(status="released")
    assert checks() == {"stock_sale_mismatch", "order_stock_not_consumed"}


def test_an_open_order_that_lost_its_hold_partly(shop: Shop) -> None:
    order = order_place(shop, [(shop.variants[0].pk, 1), (shop.variants[1].pk, 1)])
    held = Reservation.objects.filter(reference=f"order:{order.number}").order_by("pk").first()
    assert held is not None
    Reservation.objects.filter(pk=held.pk).update(status="expired")
    Stock.objects.filter(pk=held.stock_id).update(reserved=F("reserved") - held.quantity)
    assert checks() == {"order_stock_partly_held"}


def test_order_lines_that_do_not_add_up_to_the_goods_total(shop: Shop) -> None:
    line = OrderLine.objects.filter(order=shop.orders["pending"]).get()
    OrderLine.objects.filter(pk=line.pk).update(
        unit_price=Decimal("1.00"), line_total=Decimal("1.00") * line.quantity
    )
    assert checks() == {"order_goods_mismatch"}


def test_a_cancelled_order_whose_payment_was_kept(shop: Shop) -> None:
    Order.objects.filter(pk=shop.orders["paid"].pk).update(status="cancelled")
    assert checks() == {"cancelled_order_payment_not_refunded", "order_allocated_not_paid"}


def test_a_paid_order_whose_payment_is_not_paid(shop: Shop) -> None:
    PaymentIntent.objects.filter(number=shop.orders["paid"].payment_number).update(status="pending")
    assert checks() == {"order_paid_without_payment", "payment_booked_not_paid"}


def test_a_payment_taken_with_nothing_booked_for_an_unpaid_order(shop: Shop) -> None:
    pending = shop.orders["pending"]
    PaymentIntent.objects.filter(number=pending.payment_number).update(status="succeeded")
    assert checks() == {
        "payment_not_booked",
        "payment_status_mismatch",  # no paid time either
        "payment_without_paid_order",
    }


def test_a_payment_whose_amount_changed(shop: Shop) -> None:
    PaymentIntent.objects.filter(number=shop.orders["paid"].payment_number).update(
        amount=F("amount") + 1
    )
    assert checks() == {"payment_booked_amount_mismatch", "order_payment_amount_mismatch"}


def test_a_refund_marked_failed_after_it_was_booked(shop: Shop) -> None:
    Refund.objects.filter(intent__number=shop.orders["returned"].payment_number).update(
        status="failed"
    )
    assert checks() == {"payment_refunds_mismatch", "refund_booked_not_succeeded"}


def test_a_refunded_return_without_its_reversal(shop: Shop) -> None:
    ReturnRequest.objects.filter(order=shop.orders["returned"]).update(status="approved")
    assert checks() == {"return_reversed_not_refunded"}


def test_an_unbalanced_entry_in_the_ledger(shop: Shop) -> None:
    # Inserted behind the service's back (the ledger's triggers forbid only UPDATE and DELETE).
    entry = JournalEntry.objects.create(kind="correction", reference="broken:1")
    Posting.objects.create(
        entry=entry, account=Account.objects.order_by("pk").first(), amount=Decimal("3.00")
    )
    assert checks() == {"entry_unbalanced", "entry_too_few_postings", "ledger_not_zero"}


def test_only_runs_the_named_apps(shop: Shop) -> None:
    Stock.objects.filter(variant=shop.variants[0]).update(on_hand=F("on_hand") + 5)
    out = StringIO()
    call_command("check_integrity", "--only", "ledger", "--only", "payments", stdout=out)
    assert "OK: ledger, payments agree" in out.getvalue()


def test_the_demo_passes(settings: Any) -> None:
    # The demo builds orders, payments, stock and parcels through the services, as the site does.
    settings.DEBUG = True
    call_command("demo", "--quiet", stdout=StringIO(), stderr=StringIO())
    assert Order.objects.exists()
    assert integrity_problems() == []
