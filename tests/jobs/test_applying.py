"""Applying through the three doors: one application per person per posting, closed postings
refused, consent recorded for an agent, fair entries retried safely."""

import datetime

import pytest
from django.utils import timezone

from tests.accounts.factories import UserFactory, user_with_role
from tests.jobs.factories import PostingFactory
from tests.regions.factories import StationFactory
from xiangcun.accounts.idcards import id_number_check_character
from xiangcun.accounts.models import User
from xiangcun.accounts.services import household_register, resident_register
from xiangcun.accounts.types import Role
from xiangcun.core.errors import XiangcunError
from xiangcun.jobs.errors import (
    InvalidJobFieldError,
    JobsPermissionDeniedError,
    PostingClosedError,
    PostingNotAtFairError,
)
from xiangcun.jobs.models import Application, Fair, Posting
from xiangcun.jobs.selectors import fair_report
from xiangcun.jobs.services import application_submit
from xiangcun.jobs.types import PostingStatus, Source
from xiangcun.regions.models import Village

pytestmark = pytest.mark.django_db


def _id_number(serial: str = "123") -> str:
    first = f"52263619800101{serial}"
    return first + id_number_check_character(first)


def _fair_entry(actor: User, posting: Posting, fair: Fair, village: Village, **extra: object):
    fields = {"name": "王芳", "phone": "13912345678", "village_id": village.pk, **extra}
    return application_submit(actor=actor, posting_id=posting.pk, fair_id=fair.pk, **fields)


def test_a_resident_applies_online_for_themselves(posting: Posting, village: Village) -> None:
    person = UserFactory(phone="13712345678")
    result = application_submit(
        actor=person, posting_id=posting.pk, name="李明", phone="", village_id=village.pk
    )
    application = result.application
    assert result.created
    assert application.source == Source.ONLINE
    assert application.phone == "13712345678"
    assert application.user_id == person.pk
    assert application.township_id == village.township_id
    assert list(application.events.values_list("code", flat=True)) == ["applied"]


def test_a_resident_cannot_apply_for_someone_else(posting: Posting, village: Village) -> None:
    person = UserFactory()
    with pytest.raises(JobsPermissionDeniedError):
        application_submit(
            actor=person,
            posting_id=posting.pk,
            name="李明",
            phone="13900001111",
            village_id=village.pk,
        )


def test_the_same_phone_twice_on_a_posting_is_one_application(
    recruiter: User, posting: Posting, fair: Fair, village: Village
) -> None:
    first = _fair_entry(recruiter, posting, fair, village)
    second = _fair_entry(recruiter, posting, fair, village, phone="139 1234 5678", name="王 芳")
    assert first.created
    assert not second.created
    assert second.application.pk == first.application.pk
    assert Application.objects.count() == 1


def test_the_same_id_card_with_another_phone_is_the_same_person(
    recruiter: User, posting: Posting, fair: Fair, village: Village
) -> None:
    first = _fair_entry(recruiter, posting, fair, village, id_number=_id_number())
    second = _fair_entry(
        recruiter, posting, fair, village, phone="13800009999", id_number=_id_number()
    )
    assert not second.created
    assert second.application.pk == first.application.pk
    stored = Application.objects.get()
    assert stored.id_number_masked == "522***********" + _id_number()[-4:]
    assert _id_number() not in str(Application.objects.values().get())


def test_a_retried_entry_with_the_same_key_finds_the_first(
    recruiter: User, posting: Posting, fair: Fair, village: Village
) -> None:
    key = "3f1c2a9e-0d6b-4a59-9f0e-2b7c1d5e8a40"
    first = _fair_entry(recruiter, posting, fair, village, idempotency_key=key)
    # The answer was lost; the phone typed differently on the retry changes nothing.
    again = _fair_entry(recruiter, posting, fair, village, phone="13600001111", idempotency_key=key)
    assert not again.created
    assert again.application.pk == first.application.pk


def test_a_closed_posting_takes_no_applications(
    recruiter: User, fair: Fair, village: Village
) -> None:
    closed = PostingFactory(status=PostingStatus.CLOSED)
    fair.postings.add(closed)
    with pytest.raises(PostingClosedError):
        _fair_entry(recruiter, closed, fair, village)
    ended = PostingFactory(
        closes_on=timezone.localdate() - datetime.timedelta(days=1),
        opens_on=timezone.localdate() - datetime.timedelta(days=9),
    )
    fair.postings.add(ended)
    with pytest.raises(PostingClosedError):
        _fair_entry(recruiter, ended, fair, village)


def test_a_fair_entry_must_be_for_a_posting_offered_there(
    recruiter: User, fair: Fair, village: Village
) -> None:
    other = PostingFactory()
    with pytest.raises(PostingNotAtFairError):
        _fair_entry(recruiter, other, fair, village)


def test_a_buyer_cannot_enter_people_at_a_fair(
    buyer: User, posting: Posting, fair: Fair, village: Village
) -> None:
    with pytest.raises(JobsPermissionDeniedError):
        _fair_entry(buyer, posting, fair, village)


def test_an_agent_applies_for_a_resident_with_consent_at_a_station(
    agent: User, posting: Posting, village: Village
) -> None:
    station = StationFactory()
    fields = {"name": "张秀英", "phone": "13512340000", "village_id": village.pk}
    with pytest.raises(InvalidJobFieldError) as refused:
        application_submit(actor=agent, posting_id=posting.pk, station_id=station.pk, **fields)
    assert refused.value.field == "consent"
    with pytest.raises(InvalidJobFieldError) as refused:
        application_submit(actor=agent, posting_id=posting.pk, consent=True, **fields)
    assert refused.value.field == "station"
    application = application_submit(
        actor=agent, posting_id=posting.pk, consent=True, station_id=station.pk, **fields
    ).application
    assert application.source == Source.AGENT
    assert application.entered_by_id == agent.pk
    assert application.consent_station_id == station.pk
    assert application.consent_at is not None
    assert application.user_id is None


def test_household_status_comes_from_the_resident_register(
    recruiter: User, posting: Posting, fair: Fair, village: Village
) -> None:
    household = household_register(village_id=village.pk, head_name="王大", registered_poor=True)
    resident_register(
        name="王芳", village_id=village.pk, id_number=_id_number("456"), household=household
    )
    application = _fair_entry(
        recruiter, posting, fair, village, id_number=_id_number("456")
    ).application
    assert application.registered_poor


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("name", ""),
        ("name", "x" * 65),
        ("phone", "12345"),
        ("id_number", "522636"),
        ("name", "a\x00b"),
        ("idempotency_key", "no spaces allowed"),
    ],
)
def test_bad_fields_are_refused_with_a_code(
    recruiter: User, posting: Posting, fair: Fair, village: Village, field: str, value: str
) -> None:
    with pytest.raises(XiangcunError) as refused:
        _fair_entry(recruiter, posting, fair, village, **{field: value})
    assert refused.value.status == 400


def test_an_unknown_village_is_refused(recruiter: User, posting: Posting, fair: Fair) -> None:
    with pytest.raises(XiangcunError) as refused:
        application_submit(
            actor=recruiter,
            posting_id=posting.pk,
            fair_id=fair.pk,
            name="王芳",
            phone="13912345678",
            village_id=999999,
        )
    assert refused.value.code == "unknown_village"


def test_an_agent_is_a_helper_but_a_resident_role_is_not(
    posting: Posting, fair: Fair, village: Village
) -> None:
    resident = user_with_role(Role.RESIDENT)
    with pytest.raises(JobsPermissionDeniedError):
        _fair_entry(resident, posting, fair, village)
    assert _fair_entry(user_with_role(Role.AGENT), posting, fair, village).created


def test_a_resident_registers_for_a_fair_ahead_and_the_report_counts_it(
    recruiter: User, posting: Posting, fair: Fair, village: Village
) -> None:
    person = UserFactory(phone="13712345678")
    registered = application_submit(
        actor=person,
        posting_id=posting.pk,
        fair_id=fair.pk,
        name="李明",
        phone="",
        village_id=village.pk,
    ).application
    assert registered.source == Source.ONLINE
    _fair_entry(recruiter, posting, fair, village)
    report = fair_report(user=recruiter, fair_id=fair.pk)
    assert (report.total, report.registrations, report.walk_ins) == (2, 1, 1)
    assert sum(report.by_household.values()) == 2
