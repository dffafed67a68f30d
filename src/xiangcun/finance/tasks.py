"""Background tasks of the finance app; the `periodic` command queues them.

Each part of finance adds its tasks here.
"""

from django_tasks import task

from xiangcun.finance import services
from xiangcun.finance.errors import PayoutRunExistsError


# --- Settlement and payouts (the payouts work) ---------------------------------------------------
@task()
def settlement_and_payouts_daily() -> int:
    """Once a day: settle what is due (T+N), then run the day's payouts (unless staff already
    ran them). Returns how many payouts the run made."""
    services.settlement_run()
    try:
        run = services.payout_run(actor=None)
    except PayoutRunExistsError:
        return 0
    return run.payouts.count()


@task()
def payouts_retry() -> int:
    """Every minute: payouts whose provider was not reached are tried again once their wait
    is over; WeChat transfers in flight are asked about. Returns how many were tried."""
    return services.payouts_retry_due()


# --- Arrears (the repayments work) ---------------------------------------------------------------
@task()
def loan_arrears_daily() -> int:
    """Once a day: charge late fees on instalments past their grace, then queue the reminder
    texts due today (before a due date; 1, 7, 30 days late). Each fee and each text happens
    once however often it runs. Returns how many fees and texts."""
    return services.late_fees_charge() + services.loan_reminders_queue()
