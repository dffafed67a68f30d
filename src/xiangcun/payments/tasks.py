"""Background tasks of the payments app.

Run `refunds_poll` every minute or so (the `periodic` command queues it): it asks the provider
only about refunds left pending for PAYMENTS_REFUND_POLL_MINUTES, so most runs ask nothing.
"""

from django_tasks import task

from xiangcun.payments import services


@task()
def refunds_poll() -> int:
    """Settle refunds whose notification has not come: ask the provider about each."""
    return services.refunds_poll()
