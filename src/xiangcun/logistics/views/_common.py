"""What the logistics pages share: who may open a page, times of day as HH:MM, the day a page
shows."""

import datetime

from django.http import HttpRequest
from django.utils import timezone

from xiangcun.accounts.types import Role
from xiangcun.logistics import selectors
from xiangcun.logistics.errors import LogisticsPermissionDeniedError
from xiangcun.logistics.forms import DayForm


def allow(request: HttpRequest, roles: frozenset[Role]) -> None:
    """Refuse (403) anyone without one of `roles`."""
    if not selectors.user_has_any_role(user=request.user, roles=roles):
        raise LogisticsPermissionDeniedError


def chosen_day(request: HttpRequest) -> tuple[DayForm, datetime.date]:
    """The day a page shows: ?day=YYYY-MM-DD, else today in Asia/Shanghai."""
    today = timezone.localdate()
    if "day" not in request.GET:
        return DayForm(initial={"day": today}), today
    form = DayForm(request.GET)
    return form, form.cleaned_data["day"] if form.is_valid() else today
