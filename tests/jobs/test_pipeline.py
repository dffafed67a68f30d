"""The pipeline: steps in order, ended at any open step, who may move, bulk moves, texts, and
hiring: the employment, the account, the staff role and logistics' staff list."""

import datetime
from typing import Any

import pytest
from django.utils import timezone

from tests.accounts.factories import UserFactory, user_with_role
from tests.jobs.factories import PostingFactory
from xiangcun.accounts.models import User
from xiangcun.accounts.selectors import user_roles
from xiangcun.accounts.sms import SmsMessage
from xiangcun.accounts.types import Role
from xiangcun.jobs.errors import (
    InvalidApplicationMoveError,
    InvalidJobFieldError,
    JobsPermissionDeniedError,
    PostingFullError,
)
from xiangcun.jobs.models import Application, Fair, Posting
from xiangcun.jobs.selectors import application_history, headcount
from xiangcun.jobs.services import (
    application_hire,
    application_move,
    application_submit,
    applications_move,
)
from xiangcun.jobs.types import ApplicationStatus as S
from xiangcun.jobs.types import JobRole
from xiangcun.logistics.models import StaffMember
from xiangcun.regions.models import Village

pytestmark = pytest.mark.django_db

SOON = timezone.now() + datetime.timedelta(days=2)


def _apply(
    recruiter: User, posting: Posting, fair: Fair, village: Village, phone: str
) -> Application:
    fair.postings.add(posting)
    return application_submit(
        actor=recruiter,
        posting_id=posting.pk,
        fair_id=fair.pk,
        name="王芳",
        phone=phone,
        village_id=village.pk,
    ).application


@pytest.fixture
def application(recruiter: User, posting: Posting, fair: Fair, village: Village) -> Application:
    return _apply(recruiter, posting, fair, village, "13912345678")


def _to_offer(recruiter: User, application: Application) -> None:
    application_move(actor=recruiter, application_id=application.pk, to=S.SCREENED)
    application_move(
        actor=recruiter, application_id=application.pk, to=S.INTERVIEW, interview_at=SOON
    )
    application_move(actor=recruiter, application_id=application.pk, to=S.OFFER)


def test_steps_go_in_order_and_each_is_recorded(
    recruiter: User,
    application: Application,
    sms_outbox: list[SmsMessage],
    django_capture_on_commit_callbacks: Any,
) -> None:
    with pytest.raises(InvalidApplicationMoveError):
        application_move(actor=recruiter, application_id=application.pk, to=S.OFFER)
    with django_capture_on_commit_callbacks(execute=True):
        application_move(
            actor=recruiter, application_id=application.pk, to=S.SCREENED, reason="licence seen"
        )
    with pytest.raises(InvalidJobFieldError):
        application_move(actor=recruiter, application_id=application.pk, to=S.INTERVIEW)
    with django_capture_on_commit_callbacks(execute=True):
        moved = application_move(
            actor=recruiter, application_id=application.pk, to=S.INTERVIEW, interview_at=SOON
        )
    assert moved.status == S.INTERVIEW
    assert moved.interview_at == SOON
    history = application_history(user=recruiter, application_id=application.pk)
    assert [why for _at, _what, why in history] == ["", "licence seen", ""]
    # One text per step, written when it is sent, in the person's language (zh-Hans).
    assert [m.phone for m in sms_outbox] == ["13912345678"] * 2
    assert "身份证" in sms_outbox[-1].message


def test_a_text_no_longer_due_is_not_sent(
    recruiter: User,
    application: Application,
    sms_outbox: list[SmsMessage],
    django_capture_on_commit_callbacks: Any,
) -> None:
    with django_capture_on_commit_callbacks(execute=False) as queued:
        application_move(actor=recruiter, application_id=application.pk, to=S.SCREENED)
    application_move(actor=recruiter, application_id=application.pk, to=S.REJECTED)
    for callback in queued:
        callback()
    assert sms_outbox == []


def test_an_ended_application_moves_no_more(recruiter: User, application: Application) -> None:
    application_move(actor=recruiter, application_id=application.pk, to=S.REJECTED, reason="age")
    with pytest.raises(InvalidApplicationMoveError):
        application_move(actor=recruiter, application_id=application.pk, to=S.SCREENED)


def test_only_recruiters_move_and_the_person_may_withdraw_their_own(
    posting: Posting, village: Village, agent: User
) -> None:
    person = UserFactory(phone="13712345678")
    application = application_submit(
        actor=person, posting_id=posting.pk, name="李明", phone="", village_id=village.pk
    ).application
    for someone in (agent, UserFactory(), user_with_role(Role.PROGRAMME_MANAGER)):
        with pytest.raises(JobsPermissionDeniedError):
            application_move(actor=someone, application_id=application.pk, to=S.SCREENED)
    with pytest.raises(JobsPermissionDeniedError):
        application_move(actor=person, application_id=application.pk, to=S.SCREENED)
    withdrawn = application_move(actor=person, application_id=application.pk, to=S.WITHDRAWN)
    assert withdrawn.status == S.WITHDRAWN


def test_a_bulk_move_moves_those_that_can_and_lists_the_rest(
    recruiter: User, posting: Posting, fair: Fair, village: Village
) -> None:
    first = _apply(recruiter, posting, fair, village, "13900000001")
    second = _apply(recruiter, posting, fair, village, "13900000002")
    application_move(actor=recruiter, application_id=second.pk, to=S.REJECTED)
    result = applications_move(
        actor=recruiter, application_ids=[first.pk, second.pk, 10**6], to=S.SCREENED
    )
    assert result.moved == [first.pk]
    assert result.refused == {second.pk: "invalid_application_move", 10**6: "application_not_found"}
    assert Application.objects.get(pk=first.pk).status == S.SCREENED
    with pytest.raises(JobsPermissionDeniedError):
        applications_move(actor=UserFactory(), application_ids=[first.pk], to=S.REJECTED)


def test_hiring_a_driver_makes_an_employment_an_account_a_role_and_logistics_staff(
    recruiter: User, application: Application, posting: Posting
) -> None:
    _to_offer(recruiter, application)
    employment = application_hire(
        actor=recruiter,
        application_id=application.pk,
        start_date=timezone.localdate(),
        monthly_wage=4000,
    )
    person = User.objects.get(phone="13912345678")
    assert employment.user_id == person.pk
    assert employment.station_id == posting.station_id
    assert Role.DRIVER in user_roles(user=person)
    staff = StaffMember.objects.get(user=person)
    assert (staff.job, staff.station_id) == ("driver", posting.station_id)
    assert Application.objects.get(pk=application.pk).status == S.HIRED
    assert headcount()["filled"] == 1
    assert headcount()["by_role"]["driver"] == 1


def test_only_an_offer_is_hired_and_never_past_the_headcount(
    recruiter: User, fair: Fair, village: Village
) -> None:
    posting = PostingFactory(headcount=1, role=JobRole.PACKER)
    first = _apply(recruiter, posting, fair, village, "13900000001")
    second = _apply(recruiter, posting, fair, village, "13900000002")
    hire = {"start_date": timezone.localdate(), "monthly_wage": 3500}
    with pytest.raises(InvalidApplicationMoveError):
        application_hire(actor=recruiter, application_id=first.pk, **hire)
    _to_offer(recruiter, first)
    _to_offer(recruiter, second)
    application_hire(actor=recruiter, application_id=first.pk, **hire)
    with pytest.raises(PostingFullError):
        application_hire(actor=recruiter, application_id=second.pk, **hire)
    with pytest.raises(JobsPermissionDeniedError):
        application_hire(actor=UserFactory(), application_id=second.pk, **hire)


def test_a_hire_for_work_outside_logistics_adds_no_staff(
    recruiter: User, fair: Fair, village: Village
) -> None:
    posting = PostingFactory(role=JobRole.OTHER, role_other="茶园采茶")
    application = _apply(recruiter, posting, fair, village, "13900000003")
    _to_offer(recruiter, application)
    application_hire(
        actor=recruiter,
        application_id=application.pk,
        start_date=timezone.localdate(),
        monthly_wage=3000,
    )
    assert not StaffMember.objects.exists()
