from typing import TYPE_CHECKING

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from xiangcun.jobs.types import Hire


class LogisticsConfig(AppConfig):
    name = "xiangcun.logistics"
    label = "logistics"
    verbose_name = _("Logistics")

    def ready(self) -> None:
        # Accounts (below us) sends texts; it learns to write a pickup code's text, at send
        # time, through this renderer, so the code is never queued.
        from xiangcun.accounts.services import sms_kind_register
        from xiangcun.logistics.services import PICKUP_CODE_SMS, pickup_code_sms

        sms_kind_register(PICKUP_CODE_SMS, pickup_code_sms)

        # Orders (below us) shows the parcels of an order on its page through this part.
        from xiangcun.logistics.templatetags.logistics_parcels import order_parcels_html
        from xiangcun.orders.selectors import order_page_part_register

        order_page_part_register(order_parcels_html)

        # Jobs (below us) hires drivers, couriers, packers and warehouse staff; a hire at a
        # station becomes one of our staff there.
        from xiangcun.jobs.services import hire_handler_register

        hire_handler_register(_jobs_hire_staff_add)


# The jobs roles that are logistics jobs (the same values in both apps).
_HIRED_JOBS = frozenset({"driver", "courier", "packer", "warehouse"})


def _jobs_hire_staff_add(hire: "Hire") -> None:
    """A jobs hire for a logistics role at a station joins its staff."""
    if hire.role not in _HIRED_JOBS or hire.station_id is None:
        return
    from xiangcun.logistics.services import staff_member_set

    staff_member_set(actor=None, user=hire.user, job=hire.role, station_id=hire.station_id)
