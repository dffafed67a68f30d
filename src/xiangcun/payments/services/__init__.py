"""Every write of the payments app: payment intents, provider notifications, refunds, cash.

One module per kind of work (`intents`, `closing`, `notifications`, `refunds`, `cash`; with
`settlement`, the one place that posts to the ledger and calls the handlers, and the shared
checks in `_common`); other apps import them from here.

Rules every function keeps:
- a payment intent is locked (select_for_update) before its status is read for a decision, so
  two deliveries of the same news (a notification and the buyer's return, two notifications)
  queue and the second sees the first one's result; when a refund is locked too, the intent
  is locked first;
- success posts Dr provider_receivable:<provider> (or cash:station:<id>) / Cr
  buyer_payments_clearing with reference `payment:<number>`, once: the ledger is idempotent on
  (kind, reference) as a second guard;
- handlers registered by higher apps (orders) run inside the same transaction, so an order
  becomes paid exactly when its payment does, or neither does;
- no call to the provider (WeChat Pay) is made inside a transaction: what is to happen is
  recorded first (a payment `closing`, a refund `pending` under its out_refund_no), committed,
  then the provider is asked, then its answer is recorded in a second short transaction that
  locks the rows again and records only what is still to be recorded. A call that fails leaves
  the intent recorded, and the poller (`refunds_poll`, `payments_close_due`) asks again under
  the same number, which the provider takes once.
"""

from xiangcun.payments.services._common import PAID_STATUSES
from xiangcun.payments.services.cash import cash_handover_record
from xiangcun.payments.services.closing import payment_cancel, payment_close, payments_close_due
from xiangcun.payments.services.intents import (
    payment_confirm_cash,
    payment_create,
    payment_lock,
    payment_open,
    payment_prepare,
    payment_sync,
    sandbox_decide,
)
from xiangcun.payments.services.notifications import notification_receive
from xiangcun.payments.services.refunds import (
    refund_confirm_cash,
    refund_create,
    refund_send,
    refund_sync,
    refunds_poll,
)
from xiangcun.payments.services.settlement import (
    payment_succeeded_register,
    refund_succeeded_register,
)

__all__ = [
    "PAID_STATUSES",
    "cash_handover_record",
    "notification_receive",
    "payment_cancel",
    "payment_close",
    "payment_confirm_cash",
    "payment_create",
    "payment_lock",
    "payment_open",
    "payment_prepare",
    "payment_succeeded_register",
    "payment_sync",
    "payments_close_due",
    "refund_confirm_cash",
    "refund_create",
    "refund_send",
    "refund_succeeded_register",
    "refund_sync",
    "refunds_poll",
    "sandbox_decide",
]
