"""Helpers shared by the jobs services: who may act, locked rows, the SMS kind."""

from django.utils import timezone

from xiangcun.accounts.selectors import user_roles
from xiangcun.accounts.types import AnyUser, Role
from xiangcun.jobs.errors import (
    ApplicationNotFoundError,
    JobsPermissionDeniedError,
    PostingNotFoundError,
)
from xiangcun.jobs.models import Application, Posting
from xiangcun.jobs.types import PostingStatus

# Recruiters manage postings, fairs and the pipeline county-wide; agents apply for residents.
MANAGERS = frozenset({Role.RECRUITER, Role.ADMIN})
HELPERS = frozenset({Role.RECRUITER, Role.AGENT, Role.ADMIN})

JOB_STEP_SMS = "jobs_step"


def actor_id(actor: AnyUser) -> int:
    """The signed-in actor's id (services check they are signed in before asking)."""
    if not actor.is_authenticated or actor.pk is None:
        raise JobsPermissionDeniedError
    return int(actor.pk)


def require_manager(actor: AnyUser) -> int:
    """The actor's id if they are a recruiter (or administrator)."""
    if not actor.is_authenticated or not (user_roles(user=actor) & MANAGERS):
        raise JobsPermissionDeniedError
    return actor_id(actor)


def posting_locked(posting_id: int) -> Posting:
    posting = Posting.objects.select_for_update().filter(pk=posting_id).first()
    if posting is None:
        raise PostingNotFoundError
    return posting


def application_locked(application_id: int) -> Application:
    application = Application.objects.select_for_update().filter(pk=application_id).first()
    if application is None:
        raise ApplicationNotFoundError
    return application


def posting_is_open(posting: Posting) -> bool:
    today = timezone.localdate()
    return posting.status == PostingStatus.OPEN and posting.opens_on <= today <= posting.closes_on
