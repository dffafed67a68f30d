"""Monthly PDF reports: the list, a form to ask for a month (of the county or a township), the
progress of one being made (htmx asks again every two seconds; without JavaScript a link does
the same) and the download. For the programme manager and administrators only."""

import datetime
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone, translation
from django.views.decorators.http import require_http_methods, require_safe

from xiangcun.impact.errors import (
    BadReportMonthError,
    ReportNotReadyError,
    UnknownTownshipError,
)
from xiangcun.impact.models import Report
from xiangcun.impact.services._common import require_impact_viewer
from xiangcun.impact.services.reports import (
    report_file,
    report_get,
    report_month_parse,
    report_request,
    reports_list,
)
from xiangcun.regions.selectors import townships_list
from xiangcun.regions.types import TownshipSummary


def _township_names() -> tuple[list[TownshipSummary], dict[int, str]]:
    townships = townships_list()
    english = (translation.get_language() or "").startswith("en")
    names = {t.id: (t.name_en if english and t.name_en else t.name) for t in townships}
    return townships, names


def _page(request: HttpRequest) -> int:
    raw = request.GET.get("page", "")
    return int(raw) if raw.isdigit() and len(raw) <= 5 else 1


def _last_month() -> str:
    first = timezone.localdate().replace(day=1)
    return f"{(first - datetime.timedelta(days=1)):%Y-%m}"


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def reports(request: HttpRequest) -> HttpResponse:
    require_impact_viewer(request.user)
    values = {"month": _last_month(), "township": ""}
    errors: dict[str, Any] = {}
    if request.method == "POST":
        values = {
            "month": request.POST.get("month", "")[:20],
            "township": request.POST.get("township", "")[:20],
        }
        try:
            month = report_month_parse(values["month"])
            report = report_request(
                actor=request.user, month=month, township_code=values["township"]
            )
        except BadReportMonthError as error:
            errors["month"] = error.message
        except UnknownTownshipError as error:
            errors["township"] = error.message
        else:
            return redirect("impact:report_status", report_id=report.pk)
    page = _page(request)
    rows, more = reports_list(actor=request.user, page=page)
    townships, names = _township_names()
    context = {
        "rows": [(report, names.get(report.township_id or 0, "")) for report in rows],
        "page": page,
        "more": more,
        "townships": townships,
        "values": values,
        "errors": errors,
        "this_month": f"{timezone.localdate():%Y-%m}",
    }
    return render(request, "impact/reports.html", context, status=400 if errors else 200)


@login_required
@require_safe
def report_status(request: HttpRequest, report_id: int) -> HttpResponse:
    """The report's page; to htmx, only the progress box (polled while it is being made)."""
    report = report_get(actor=request.user, report_id=report_id)
    _townships, names = _township_names()
    context = {
        "report": report,
        "place": names.get(report.township_id or 0, ""),
        "waiting": report.status in {Report.Status.QUEUED, Report.Status.RUNNING},
    }
    if request.headers.get("HX-Request"):
        return render(request, "impact/report_progress.html", context)
    return render(request, "impact/report_status.html", context)


@login_required
@require_safe
def report_download(request: HttpRequest, report_id: int) -> FileResponse:
    report = report_file(actor=request.user, report_id=report_id)
    try:
        handle = report.file.open("rb")
    except OSError as error:  # the file was removed from storage: make it again
        raise ReportNotReadyError from error
    place = f"-{report.township_id}" if report.township_id else ""
    return FileResponse(
        handle,
        as_attachment=True,
        filename=f"impact-report-{report.month:%Y-%m}{place}.pdf",
        content_type="application/pdf",
    )
