"""Background tasks of the monthly reports: make one report (queued when someone asks for it)
and, once a month, last month's county report. Arguments are a report's id and a language code,
never figures or people."""

from django_tasks import task

from xiangcun.impact.models import Report
from xiangcun.impact.services.reports import report_make, reports_monthly_request


@task()
def impact_report_make(report_id: int, language: str = "") -> str:
    """Make one queued report's PDF. Returns its status afterwards."""
    return report_make(report_id=report_id, language=language or None).status


@task()
def impact_reports_monthly() -> str:
    """On the first of the month: last month's county report, made here (once, however often
    this runs). Returns its status."""
    report = reports_monthly_request()
    if report.status == Report.Status.QUEUED:
        report = report_make(report_id=report.pk)
    return report.status
