"""Background tasks of the orders app.

Run `orders_expire` and `late_payments_refund` every minute or so (the `periodic` command
queues them), next to inventory's `reservations_expire`.
"""

from django_tasks import task

from xiangcun.orders import services


@task()
def orders_expire() -> int:
    """Cancel unpaid orders past their payment window and release their stock."""
    return services.orders_expire()


@task()
def late_payments_refund() -> int:
    """Retry refunds of payments that arrived after their order was cancelled."""
    return services.late_payments_refund()
