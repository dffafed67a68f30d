"""Postings and career fairs: recruiters open, change and close them."""

import datetime
from collections.abc import Iterable

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from xiangcun.accounts.types import AnyUser
from xiangcun.core.errors import InvalidInputError
from xiangcun.core.validators import ids_storable, int_check, text_field
from xiangcun.jobs.errors import FairNotFoundError, InvalidJobFieldError, PostingNotFoundError
from xiangcun.jobs.models import Fair, Posting
from xiangcun.jobs.services._common import actor_id, posting_locked, require_manager
from xiangcun.jobs.types import JobRole, PostingStatus
from xiangcun.regions.errors import StationNotFoundError, UnknownTownshipError
from xiangcun.regions.selectors import station_get, township_exists, townships_list

WAGE_MAX = 1_000_000
DATES_MAX_DAYS = 366 * 2


def _township_of_station(station_id: int) -> int:
    try:
        station = station_get(station_id=station_id)
    except StationNotFoundError:
        raise InvalidJobFieldError(_("Choose a station from the list."), field="station") from None
    return next(t.id for t in townships_list() if t.code == station.township_code)


def _site(station_id: int | None, township_id: int | None) -> tuple[int | None, int]:
    """A posting is at a station (its township follows) or, without one, in a township."""
    if station_id is not None:
        return station_id, _township_of_station(station_id)
    if township_id is None or not township_exists(township_id=township_id):
        raise UnknownTownshipError(field="township")
    return None, township_id


def _dates(opens_on: datetime.date, closes_on: datetime.date) -> None:
    if closes_on < opens_on or (closes_on - opens_on).days > DATES_MAX_DAYS:
        raise InvalidInputError(
            _("A posting closes after it opens, within two years."), field="closes_on"
        )


@transaction.atomic
def posting_create(
    *,
    actor: AnyUser,
    title: str,
    role: str,
    wage_min: int,
    wage_max: int,
    opens_on: datetime.date,
    closes_on: datetime.date,
    station_id: int | None = None,
    township_id: int | None = None,
    role_other: str = "",
    shifts: str = "",
    licence_class: str = "",
    age_min: int = 18,
    age_max: int = 60,
    headcount: int = 1,
    description: str = "",
) -> Posting:
    """Open a job: what, where, for how much, for whom and how many."""
    require_manager(actor)
    if role not in JobRole.values:
        raise InvalidJobFieldError(_("Choose a role from the list."), field="role")
    title = text_field(title, field="title", max_length=80)
    role_other = text_field(role_other, field="role_other", max_length=40, required=False)
    if role == JobRole.OTHER and not role_other:
        raise InvalidJobFieldError(_("Say what the work is."), field="role_other")
    int_check(wage_min, field="wage_min", minimum=0, maximum=WAGE_MAX)
    int_check(wage_max, field="wage_max", minimum=wage_min, maximum=WAGE_MAX)
    int_check(age_min, field="age_min", minimum=16, maximum=80)
    int_check(age_max, field="age_max", minimum=age_min, maximum=80)
    int_check(headcount, field="headcount", minimum=1, maximum=10_000)
    _dates(opens_on, closes_on)
    station, township = _site(station_id, township_id)
    return Posting.objects.create(
        title=title,
        role=role,
        role_other=role_other,
        station_id=station,
        township_id=township,
        wage_min=wage_min,
        wage_max=wage_max,
        shifts=text_field(shifts, field="shifts", max_length=120, required=False),
        licence_class=text_field(
            licence_class, field="licence_class", max_length=8, required=False
        ),
        age_min=age_min,
        age_max=age_max,
        headcount=headcount,
        description=text_field(description, field="description", max_length=4000, required=False),
        opens_on=opens_on,
        closes_on=closes_on,
        created_by_id=actor_id(actor),
    )


@transaction.atomic
def posting_status_set(*, actor: AnyUser, posting_id: int, status: str) -> Posting:
    """Open, close or set aside a posting; a closed posting takes no applications."""
    require_manager(actor)
    if status not in PostingStatus.values:
        raise InvalidJobFieldError(_("Choose a status from the list."), field="status")
    posting = posting_locked(posting_id)
    posting.status = status
    posting.save(update_fields=["status", "updated_at"])
    return posting


@transaction.atomic
def fair_create(
    *,
    actor: AnyUser,
    name: str,
    day: datetime.date,
    place: str,
    township_id: int,
    posting_ids: Iterable[int] = (),
) -> Fair:
    """Plan a career fair and the postings offered there."""
    require_manager(actor)
    name = text_field(name, field="name", max_length=80)
    place = text_field(place, field="place", max_length=120)
    if not township_exists(township_id=township_id):
        raise UnknownTownshipError(field="township")
    ids = ids_storable(posting_ids)
    postings = list(Posting.objects.filter(pk__in=ids))
    if len(postings) != len(set(ids)):
        raise PostingNotFoundError(field="postings")
    fair = Fair.objects.create(
        name=name, day=day, place=place, township_id=township_id, created_by_id=actor_id(actor)
    )
    fair.postings.set(postings)
    return fair


@transaction.atomic
def fair_postings_set(*, actor: AnyUser, fair_id: int, posting_ids: Iterable[int]) -> Fair:
    """Change which postings a fair offers."""
    require_manager(actor)
    fair = Fair.objects.select_for_update().filter(pk=fair_id).first()
    if fair is None:
        raise FairNotFoundError
    ids = ids_storable(posting_ids)
    postings = list(Posting.objects.filter(pk__in=ids))
    if len(postings) != len(set(ids)):
        raise PostingNotFoundError(field="postings")
    fair.postings.set(postings)
    return fair
