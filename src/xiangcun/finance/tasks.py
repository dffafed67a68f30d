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
