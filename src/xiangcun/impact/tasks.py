"""Background tasks of the impact app; `xiangcun periodic` queues the hourly refresh (registered
in ImpactConfig.ready())."""

from django_tasks import task

from xiangcun.impact.services.rebuild import facts_refresh


@task()
def impact_facts_refresh() -> int:
    """Every hour: build the days since the last one built and the days whose records changed
    since (an order refunded, a loan repaid). Returns how many days were built."""
    return facts_refresh().count
