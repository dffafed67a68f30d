"""Background tasks of the orders app.

Run `orders_expire` every minute or so (cron or a scheduler calling `.enqueue()`), next to
inventory's `reservations_expire`.
"""

from django_tasks import task

from xiangcun.orders import services


@task()
def orders_expire() -> int:
    """Cancel unpaid orders past their payment window and release their stock."""
    return services.orders_expire()
