"""`xiangcun periodic`: queue the housekeeping tasks; run it every minute from cron or a timer.

Django's tasks API has no scheduler of its own. This command only enqueues; `xiangcun worker`
runs the tasks, so a slow run never piles up inside cron.
"""

from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.utils import timezone

from xiangcun.core.tasks import periodic_due, task_results_prune
from xiangcun.finance.tasks import (
    loan_arrears_daily,
    payouts_retry,
    settlement_and_payouts_daily,
)
from xiangcun.inventory.tasks import low_stock_notify, reservations_expire
from xiangcun.logistics.tasks import tracking_poll, waybills_retry
from xiangcun.orders.tasks import late_payments_refund, orders_expire
from xiangcun.payments.tasks import refunds_poll
from xiangcun.servicecenter.tasks import commission_accrue_sweep, commission_payouts_daily
from xiangcun.training.tasks import session_reminders_send


class Command(BaseCommand):
    help = (
        "Queue periodic tasks: expire unpaid orders and reservations, settle pending refunds, "
        "retry refunds of late payments; daily low-stock texts and pruning of finished task rows."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--daily-hour",
            type=int,
            default=8,
            help="Local hour (Asia/Shanghai) in which the daily low-stock texts are queued.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        # Orders first: cancelling an unpaid order releases its reservation itself; the
        # reservation sweep then catches holds that belong to no order.
        queued: list[object] = [orders_expire.enqueue(), reservations_expire.enqueue()]
        # Refunds whose notification never came are asked about; payments that arrived after
        # their order was cancelled and could not be refunded at once are tried again.
        queued += [refunds_poll.enqueue(), late_payments_refund.enqueue()]
        # Payouts whose provider was not reached are tried again (with backoff).
        queued.append(payouts_retry.enqueue())
        # Waybills a carrier did not make yet are asked for again (with backoff); parcels no
        # tracking push has told us about for hours are asked about.
        queued += [waybills_retry.enqueue(), tracking_poll.enqueue()]
        now = timezone.localtime()
        if now.minute % 10 == 0:
            # Agents' commission on completed assisted orders, parcels and applicants.
            queued.append(commission_accrue_sweep.enqueue())
        if now.hour == options["daily_hour"] and now.minute == 0:
            queued.append(low_stock_notify.enqueue())
            # The day-before texts to everyone with a seat in a training class.
            queued.append(session_reminders_send.enqueue())
            # Loans: late fees past their grace, and the reminder texts due today.
            queued.append(loan_arrears_daily.enqueue())
            # Sales settled T+N, then the day's payouts (less loan instalments due).
            queued.append(settlement_and_payouts_daily.enqueue())
            # Service-centre agents are paid the commission they are owed.
            queued.append(commission_payouts_daily.enqueue())
            # Finished rows of the database queue would otherwise pile up for ever.
            queued.append(task_results_prune.enqueue())
        # Tasks of the apps web may not import (impact's fact refresh and monthly report).
        queued += [t.enqueue() for t in periodic_due(now=now, daily_hour=options["daily_hour"])]
        self.stdout.write(f"queued {len(queued)} task(s)")
