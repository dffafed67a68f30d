"""Settlement T+N: a seller's takings for an order move from payable to available N days
(FINANCE_SETTLEMENT_DAYS, 7 by default) after the order is completed.

Per (order, seller) the run moves what is still in seller_payable for that order: the sale
less commission, less every refund of a return made inside the window (the refund already
debited payable, so only the net moves). Entry kind SETTLEMENT, reference
"settle:<order id>:<seller id>": a run repeated (or two racing) posts it once.

A return refunded AFTER its order was settled debits the seller's payable again, which then
owes for an order that is no longer there. The next run moves that refund across too
("unsettle:<return id>:<seller id>": Dr available, Cr payable), so payable again holds only
unsettled sales and the refund comes out of the available balance, netted against the next
payout. Available may go below zero for a while; a payout run pays only a positive balance.
"""

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from xiangcun.ledger.selectors import entry_ids_by_reference, seller_payable_postings
from xiangcun.ledger.services import entry_post
from xiangcun.ledger.types import EntryKind, seller_available_account, seller_payable_account
from xiangcun.orders.selectors import orders_completed

# Returns are not taken so long after completion; older orders are not looked at again.
LOOKBACK_DAYS = 400


@dataclass(frozen=True)
class SettlementResult:
    settled: int
    amount: Decimal
    returns_after: int
    returned_amount: Decimal


def settlement_days() -> int:
    return int(getattr(settings, "FINANCE_SETTLEMENT_DAYS", 7))


def settlement_cutoff(*, on: datetime.date) -> datetime.datetime:
    """Orders completed before this moment are due on `on`: completed on day C (Asia/Shanghai)
    they settle from day C + N."""
    day = on - datetime.timedelta(days=settlement_days() - 1)
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def settlement_date(*, completed_at: datetime.datetime) -> datetime.date:
    """The day a sale completed at `completed_at` becomes available."""
    return timezone.localdate(completed_at) + datetime.timedelta(days=settlement_days())


def _settle_reference(order_id: int, seller_id: int) -> str:
    return f"settle:{order_id}:{seller_id}"


def settlement_run(*, on: datetime.date | None = None) -> SettlementResult:
    """Settle every (order, seller) due on `on` (today by default). Idempotent: run it as often
    as you like; each order is settled once, each later return moved across once."""
    on = on or timezone.localdate()
    cutoff = settlement_cutoff(on=on)
    orders = orders_completed(before=cutoff, since=cutoff - datetime.timedelta(days=LOOKBACK_DAYS))
    references = [reference for order in orders for reference in order.references]
    postings = seller_payable_postings(references=references)
    by_reference: dict[str, list] = {}
    for posting in postings:
        by_reference.setdefault(posting.reference, []).append(posting)
    settled_ids = entry_ids_by_reference(
        kind=EntryKind.SETTLEMENT,
        references=[
            _settle_reference(order.order_id, seller_id)
            for order in orders
            for seller_id in order.seller_ids
        ],
    )
    settled = 0
    amount = Decimal("0.00")
    later_refunds: dict[str, tuple[int, Decimal]] = {}
    for order in orders:
        for seller_id in order.seller_ids:
            reference = _settle_reference(order.order_id, seller_id)
            lines = [
                posting
                for ref in order.references
                for posting in by_reference.get(ref, [])
                if posting.seller_id == seller_id
            ]
            settle_id = settled_ids.get(reference)
            if settle_id is None:
                net = -sum((posting.amount for posting in lines), Decimal("0.00"))
                if net > 0:
                    _move(reference=reference, seller_id=seller_id, amount=net)
                    settled += 1
                    amount += net
                continue
            for posting in lines:
                if posting.kind == EntryKind.REFUND and posting.entry_id > settle_id:
                    return_id = posting.reference.removeprefix("return:")
                    if posting.amount > 0:
                        later_refunds[f"unsettle:{return_id}:{seller_id}"] = (
                            seller_id,
                            posting.amount,
                        )
    done = entry_ids_by_reference(kind=EntryKind.SETTLEMENT, references=later_refunds)
    returned = Decimal("0.00")
    for reference, (seller_id, refund) in later_refunds.items():
        if reference not in done:
            _move(reference=reference, seller_id=seller_id, amount=-refund)
            returned += refund
    return SettlementResult(
        settled=settled,
        amount=amount,
        returns_after=len(later_refunds) - len(done),
        returned_amount=returned,
    )


@transaction.atomic
def _move(*, reference: str, seller_id: int, amount: Decimal) -> None:
    """Payable to available (a negative amount moves a later refund the other way)."""
    entry_post(
        kind=EntryKind.SETTLEMENT,
        reference=reference,
        lines=[
            (seller_payable_account(seller_id), amount),
            (seller_available_account(seller_id), -amount),
        ],
        memo=reference,
    )
