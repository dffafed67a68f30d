"""Monthly PDF reports: asked for by a viewer or queued by the monthly task, made in the
background (report_pdf.py draws them), their progress kept on the Report row as they go so the
page can show it, the file kept in the default storage.

Task arguments carry only the report's id (and the language to write it in), never figures or
people."""

import datetime
import logging
import re
from datetime import timedelta

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone, translation

from xiangcun.accounts.types import AnyUser
from xiangcun.core.errors import XiangcunError
from xiangcun.impact.errors import BadReportMonthError, ReportNotFoundError, ReportNotReadyError
from xiangcun.impact.models import Report
from xiangcun.impact.selectors.scope import scope_parse
from xiangcun.impact.services._common import require_impact_viewer

logger = logging.getLogger(__name__)

_MONTH = re.compile(r"(?P<year>\d{4})-(?P<month>\d{1,2})")
# The earliest month a report may be asked for: nothing the programme did is older.
FIRST_MONTH = datetime.date(2015, 1, 1)
# A report still "running" after this long was left by a worker that stopped: asking again
# makes a new one rather than waiting on it for ever.
STALE_AFTER = timedelta(hours=1)
REPORTS_PAGE = 20


def report_month_parse(value: str) -> datetime.date:
    """ "2026-11" -> 1 Nov 2026. A month not begun yet, before 2015, or anything else is
    refused (BadReportMonthError, field "month")."""
    match = _MONTH.fullmatch(value.strip()[:16]) if isinstance(value, str) else None
    if match is None or not 1 <= int(match["month"]) <= 12:
        raise BadReportMonthError(field="month")
    return report_month_check(datetime.date(int(match["year"]), int(match["month"]), 1))


def report_month_check(month: datetime.date) -> datetime.date:
    """The month's first day, if the month has begun and is not before 2015."""
    first = month.replace(day=1)
    if first < FIRST_MONTH or first > timezone.localdate().replace(day=1):
        raise BadReportMonthError(field="month")
    return first


def month_last_day(month: datetime.date) -> datetime.date:
    return (month.replace(day=28) + timedelta(days=4)).replace(day=1) - timedelta(days=1)


def report_request(*, actor: AnyUser, month: datetime.date, township_code: str = "") -> Report:
    """Ask for the report of a month (of the county, or of one township by its code). While a
    report of that month and place is queued or being made, asking again returns it rather
    than making a second. The report is made in the background, in the asker's language."""
    require_impact_viewer(actor)
    first = report_month_check(month)
    township_id = None
    if township_code:
        township_id = scope_parse(township=township_code[:12]).township_id
    user_id = actor.pk if actor.is_authenticated else None
    return _report_queue(
        month=first, township_id=township_id, requested_by_id=user_id, enqueue=True
    )


def reports_monthly_request(*, today: datetime.date | None = None) -> Report:
    """Last month's county report, for the monthly task: made once, however often the task
    runs (a report already made or under way is returned)."""
    day = today or timezone.localdate()
    month = (day.replace(day=1) - timedelta(days=1)).replace(day=1)
    done = (
        Report.objects.filter(month=month, township_id=None, status=Report.Status.READY)
        .order_by("-id")
        .first()
    )
    if done is not None:
        return done
    return _report_queue(month=month, township_id=None, requested_by_id=None, enqueue=False)


@transaction.atomic
def _report_queue(
    *, month: datetime.date, township_id: int | None, requested_by_id: int | None, enqueue: bool
) -> Report:
    fresh = timezone.now() - STALE_AFTER
    pending = (
        Report.objects.select_for_update()
        .filter(
            month=month,
            township_id=township_id,
            status__in=[Report.Status.QUEUED, Report.Status.RUNNING],
            requested_at__gte=fresh,
        )
        .order_by("-id")
        .first()
    )
    if pending is not None:
        return pending
    report = Report.objects.create(
        month=month, township_id=township_id, requested_by_id=requested_by_id
    )
    if enqueue:
        language = translation.get_language() or settings.LANGUAGE_CODE
        report_id = report.pk

        def _enqueue() -> None:
            from xiangcun.impact.tasks_reports import impact_report_make

            impact_report_make.enqueue(report_id=report_id, language=language)

        transaction.on_commit(_enqueue)
    return report


def report_make(*, report_id: int, language: str | None = None) -> Report:
    """Make a queued report's PDF: the figures of its month, the charts, the tables. Progress
    (0 to 100) is written to the row as it goes, outside any long transaction, so the page
    polling it sees it move. A report that is not queued (made already, or being made by
    another worker) is returned as it is. A failure is recorded on the row (status failed, the
    error's code) rather than left running."""
    report, claimed = _report_claim(report_id)
    if not claimed:
        return report
    from xiangcun.impact.report_pdf import report_pdf

    try:
        with translation.override(_language(language)):
            data = report_pdf(report, progress=lambda done: _report_progress(report.pk, done))
        name = f"impact-{report.month:%Y-%m}-{report.township_id or 'county'}-{report.pk}.pdf"
        report.file.save(name, ContentFile(data), save=False)
    except XiangcunError as error:
        return _report_finish(report, status=Report.Status.FAILED, error_code=error.code)
    except Exception:
        logger.exception("impact report %s could not be made", report.pk)
        _report_finish(report, status=Report.Status.FAILED, error_code="internal_error")
        raise
    return _report_finish(report, status=Report.Status.READY)


def _language(language: str | None) -> str:
    known = {code for code, _name in settings.LANGUAGES}
    return language if language in known else settings.LANGUAGE_CODE


@transaction.atomic
def _report_claim(report_id: int) -> tuple[Report, bool]:
    """Take a queued report (status running, progress 1) and say so; any other is returned
    untouched."""
    report = Report.objects.select_for_update().filter(pk=report_id).first()
    if report is None:
        raise ReportNotFoundError
    if report.status != Report.Status.QUEUED:
        return report, False
    report.status = Report.Status.RUNNING
    report.progress = 1
    report.save(update_fields=["status", "progress"])
    return report, True


def _report_progress(report_id: int, done: int) -> None:
    Report.objects.filter(pk=report_id, status=Report.Status.RUNNING).update(
        progress=max(1, min(int(done), 99))
    )


def _report_finish(report: Report, *, status: str, error_code: str = "") -> Report:
    report.status = status
    report.progress = 100 if status == Report.Status.READY else report.progress
    report.error_code = error_code
    report.finished_at = timezone.now()
    Report.objects.filter(pk=report.pk).update(
        status=report.status,
        progress=report.progress,
        error_code=error_code,
        finished_at=report.finished_at,
        file=report.file.name or "",
    )
    return report


# --- Reading reports (the pages) --------------------------------------------------------------


def reports_list(*, actor: AnyUser, page: int = 1) -> tuple[list[Report], bool]:
    """The newest reports, REPORTS_PAGE a page, and whether there is a next page."""
    require_impact_viewer(actor)
    page = max(1, min(page, 10_000))
    start = (page - 1) * REPORTS_PAGE
    rows = list(Report.objects.order_by("-month", "-id")[start : start + REPORTS_PAGE + 1])
    return rows[:REPORTS_PAGE], len(rows) > REPORTS_PAGE


def report_get(*, actor: AnyUser, report_id: int) -> Report:
    require_impact_viewer(actor)
    report = Report.objects.filter(pk=report_id).first()
    if report is None:
        raise ReportNotFoundError
    return report


def report_file(*, actor: AnyUser, report_id: int) -> Report:
    """A ready report whose file is there to download."""
    report = report_get(actor=actor, report_id=report_id)
    if report.status != Report.Status.READY or not report.file:
        raise ReportNotReadyError
    return report
