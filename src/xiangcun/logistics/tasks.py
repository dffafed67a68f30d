"""Background tasks of the logistics app: making waybills at the carrier after packing
commits, and (queued every minute by `xiangcun periodic`) retrying those the carrier did not
make and asking about parcels no push has told us about. Arguments are ids only."""

from django_tasks import task

from xiangcun.logistics import services


@task()
def waybill_make(waybill_id: int) -> str:
    """Ask the carrier for one pending waybill; returns its status after the attempt ("" when
    there was nothing to do)."""
    waybill = services.waybill_request(waybill_id=waybill_id)
    return waybill.status if waybill is not None else ""


@task()
def waybills_retry() -> int:
    """Pending waybills whose next attempt is due. Returns how many were made."""
    return services.waybills_retry_due()


@task()
def tracking_poll() -> int:
    """Made waybills not heard about for a while. Returns how many new steps came."""
    return services.tracking_poll_due()
