"""Background tasks of the payments app.

Run `refunds_poll` every minute or so (the `periodic` command queues it): it asks the provider
only about refunds left pending and payments left closing for PAYMENTS_REFUND_POLL_MINUTES
(the provider was not reached after they were committed), so most runs ask nothing.
"""

from django_tasks import task

from xiangcun.payments import services


@task()
def refunds_poll() -> int:
    """Settle refunds whose notification has not come (ask the provider about each, or send
    again those it never answered) and close payments left closing. Returns how many."""
    return services.payments_close_due() + services.refunds_poll()
