"""Background tasks of the service centre; the `periodic` command queues them."""

from django_tasks import task

from xiangcun.servicecenter.services.commission import commission_accrue, commission_payout_run


# --- Commission (part B) ------------------------------------------------------------------------
@task()
def commission_accrue_sweep() -> int:
    """Every ten minutes: accrue agents' commission on assisted orders completed, parcels
    handed over and applicants entered, and reverse it on orders refunded; each source once
    however often it runs. Returns how many lines it made."""
    return commission_accrue()


@task()
def commission_payouts_daily() -> int:
    """Once a day, after the sweep: pay every agent what they are owed (once a day each).
    Returns how many agents were paid."""
    commission_accrue()
    return commission_payout_run(actor=None)
