"""Monthly PDF reports: asking for one (once while it is being made), making it with its
charts and tables, progress kept as it goes, a failure recorded, the monthly task, the pages
(htmx progress, download) and who may see them."""

import datetime
import io
import re
from collections.abc import Callable
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone, translation
from pypdf import PdfReader

from tests.accounts.factories import UserFactory, user_with_role
from tests.impact.export_world import export_world
from xiangcun.accounts.models import User
from xiangcun.accounts.types import Role
from xiangcun.impact import report_pdf as report_pdf_module
from xiangcun.impact.errors import BadReportMonthError, NotAnImpactViewerError
from xiangcun.impact.models import Report
from xiangcun.impact.services.reports import report_make, report_request
from xiangcun.impact.tasks_reports import impact_reports_monthly

MARCH = datetime.date(2026, 3, 1)
EN = {"HTTP_ACCEPT_LANGUAGE": "en"}


@pytest.fixture(autouse=True)
def media(settings: Any, tmp_path: Path) -> Path:
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


@pytest.fixture
def world(db: None) -> SimpleNamespace:
    return export_world()


@pytest.fixture
def manager(world: SimpleNamespace) -> User:
    return user_with_role(Role.PROGRAMME_MANAGER)


def _made(manager: User, capture: Callable[..., Any], **kwargs: Any) -> Report:
    """Ask for March's report in English and let the queued task make it (tasks run at once in
    tests)."""
    with translation.override("en"), capture(execute=True):
        report = report_request(actor=manager, month=MARCH, **kwargs)
    report.refresh_from_db()
    return report


def _pdf(report: Report) -> PdfReader:
    with report.file.open("rb") as handle:
        data = handle.read()
    assert data.startswith(b"%PDF-")
    assert data.rstrip().endswith(b"%%EOF")
    return PdfReader(io.BytesIO(data))


def test_the_report_is_a_pdf_with_figures_charts_and_tables(
    manager: User, django_capture_on_commit_callbacks: Callable[..., Any]
) -> None:
    report = _made(manager, django_capture_on_commit_callbacks)
    assert report.status == Report.Status.READY
    assert report.progress == 100
    assert report.finished_at is not None
    pdf = _pdf(report)
    assert len(pdf.pages) >= 3
    text = "\n".join(page.extract_text() for page in pdf.pages)
    assert "Xiangcun impact report" in text
    assert "March 2026" in text
    assert "Residents reached in the period" in text
    # The charts, drawn into the PDF: their titles and the bars' and lines' paths.
    charts = pdf.pages[1]
    chart_text = charts.extract_text()
    assert "Residents reached, by month" in chart_text
    assert "Sales by month (yuan)" in chart_text
    assert "Residents reached, by township" in chart_text
    content = charts.get_contents()
    assert content is not None
    drawing = content.get_data().decode("latin-1")
    # Bars for February and March (reach) and for the two townships, and the legend's swatches.
    assert len(re.findall(r" re\b", drawing)) >= 7
    assert len(re.findall(r" l\b", drawing)) >= 3 * 11  # three sales lines over twelve months
    for fill in (".121569 .435294 .262745 rg", ".184314 .364706 .619608 rg"):
        assert fill in drawing  # the reach bars' green, the townships' blue
    assert "Longquan" in text  # the areas table
    assert "Packaging worker" in text  # hires by role


def test_a_chinese_report_uses_the_cid_font(
    manager: User, django_capture_on_commit_callbacks: Callable[..., Any]
) -> None:
    with translation.override("zh-hans"), django_capture_on_commit_callbacks(execute=True):
        report = report_request(actor=manager, month=MARCH)
    report.refresh_from_db()
    pdf = _pdf(report)
    fonts = {
        str(font["/BaseFont"])
        for page in pdf.pages
        for font in page["/Resources"]["/Font"].values()  # type: ignore[index]
        for font in [font.get_object()]
    }
    assert any("STSong-Light" in name for name in fonts)
    text = "\n".join(page.extract_text() for page in pdf.pages)
    assert "龙泉镇" in text


def test_a_townships_report_charts_its_villages(
    manager: User,
    world: SimpleNamespace,
    django_capture_on_commit_callbacks: Callable[..., Any],
) -> None:
    report = _made(manager, django_capture_on_commit_callbacks, township_code=world.t1.code)
    assert report.township_id == world.t1.id
    text = "\n".join(page.extract_text() for page in _pdf(report).pages)
    assert "Longquan" in text
    assert "Residents reached, by village" in text
    assert "Kala" in text
    assert "Paimo" not in text  # another township's village


def test_asking_again_while_it_is_made_returns_the_same_report(manager: User) -> None:
    first = report_request(actor=manager, month=datetime.date(2026, 3, 17))
    again = report_request(actor=manager, month=MARCH)
    assert again.pk == first.pk
    assert first.month == MARCH
    assert Report.objects.count() == 1
    Report.objects.filter(pk=first.pk).update(status=Report.Status.READY)
    assert report_request(actor=manager, month=MARCH).pk != first.pk


def test_a_report_left_running_long_ago_does_not_block_a_new_one(manager: User) -> None:
    stuck = report_request(actor=manager, month=MARCH)
    Report.objects.filter(pk=stuck.pk).update(
        status=Report.Status.RUNNING, requested_at=timezone.now() - datetime.timedelta(hours=3)
    )
    assert report_request(actor=manager, month=MARCH).pk != stuck.pk


def test_progress_is_written_to_the_row_while_it_is_made(
    manager: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    report = report_request(actor=manager, month=MARCH)  # queued, not made (no commit)
    seen: list[tuple[str, int]] = []
    areas = report_pdf_module.impact_areas

    def watching(scope: Any) -> Any:
        row = Report.objects.get(pk=report.pk)
        seen.append((row.status, row.progress))
        return areas(scope)

    monkeypatch.setattr(report_pdf_module, "impact_areas", watching)
    made = report_make(report_id=report.pk)
    assert made.status == Report.Status.READY
    assert len(seen) == 1
    status, progress = seen[0]
    assert status == Report.Status.RUNNING
    assert 20 <= progress < 100
    # Made once: making it again changes nothing.
    assert report_make(report_id=report.pk).file.name == made.file.name


def test_a_failure_is_recorded_not_left_running(
    manager: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    report = report_request(actor=manager, month=MARCH)

    def broken(scope: Any) -> Any:
        raise RuntimeError("boom")

    monkeypatch.setattr(report_pdf_module, "impact_areas", broken)
    with pytest.raises(RuntimeError):
        report_make(report_id=report.pk)
    report.refresh_from_db()
    assert report.status == Report.Status.FAILED
    assert report.error_code == "internal_error"
    assert not report.file


def test_only_viewers_may_ask_and_months_are_checked(world: SimpleNamespace) -> None:
    with pytest.raises(NotAnImpactViewerError):
        report_request(actor=UserFactory(), month=MARCH)
    manager = user_with_role(Role.PROGRAMME_MANAGER)
    next_month = (timezone.localdate().replace(day=28) + datetime.timedelta(days=5)).replace(day=1)
    for month in (next_month, datetime.date(2010, 1, 1)):
        with pytest.raises(BadReportMonthError):
            report_request(actor=manager, month=month)
    assert not Report.objects.exists()


def test_the_monthly_task_makes_last_months_county_report_once(world: SimpleNamespace) -> None:
    assert impact_reports_monthly.call() == Report.Status.READY
    assert impact_reports_monthly.call() == Report.Status.READY
    report = Report.objects.get()
    first = timezone.localdate().replace(day=1)
    assert report.month == (first - datetime.timedelta(days=1)).replace(day=1)
    assert report.township_id is None
    assert report.requested_by is None
    assert len(_pdf(report).pages) >= 3


# --- Pages ------------------------------------------------------------------------------------


@pytest.fixture
def signed_in(client: Client, manager: User) -> Client:
    client.force_login(manager)
    return client


def test_asking_on_the_page_then_polling_then_downloading(
    signed_in: Client, django_capture_on_commit_callbacks: Callable[..., Any]
) -> None:
    page = signed_in.get("/impact/reports/", **EN)
    assert page.status_code == 200
    assert "No report has been made yet" in page.content.decode()
    with django_capture_on_commit_callbacks(execute=False):
        response = signed_in.post("/impact/reports/", {"month": "2026-03"}, **EN)
    assert response.status_code == 302
    report = Report.objects.get()
    assert response["Location"] == f"/impact/reports/{report.pk}/"
    # Queued: the progress box asks again by itself.
    box = signed_in.get(f"/impact/reports/{report.pk}/", HTTP_HX_REQUEST="true", **EN)
    assert box.status_code == 200
    assert 'hx-trigger="every 2s"' in box.content.decode()
    assert "<html" not in box.content.decode()
    assert signed_in.get(f"/impact/reports/{report.pk}/download/").status_code == 404
    report_make(report_id=report.pk)
    box = signed_in.get(f"/impact/reports/{report.pk}/", HTTP_HX_REQUEST="true", **EN)
    assert "hx-trigger" not in box.content.decode()
    assert f"/impact/reports/{report.pk}/download/" in box.content.decode()
    full = signed_in.get(f"/impact/reports/{report.pk}/", **EN)
    assert "<html" in full.content.decode()
    assert "The report is ready." in full.content.decode()
    download = signed_in.get(f"/impact/reports/{report.pk}/download/")
    assert download.status_code == 200
    assert download["Content-Type"] == "application/pdf"
    assert b"".join(download.streaming_content).startswith(b"%PDF-")  # type: ignore[attr-defined]
    listing = signed_in.get("/impact/reports/", **EN).content.decode()
    assert "March 2026" in listing
    assert f"/impact/reports/{report.pk}/download/" in listing


@pytest.mark.parametrize("month", ["2026-13", "abc", "", "2999-01", "2026-03" + "9" * 3000])
def test_a_bad_month_is_shown_beside_the_field(signed_in: Client, month: str) -> None:
    response = signed_in.post("/impact/reports/", {"month": month}, **EN)
    assert response.status_code == 400
    assert "Give the month as YYYY-MM" in response.content.decode()
    assert not Report.objects.exists()


def test_an_unknown_township_is_shown_beside_the_field(signed_in: Client) -> None:
    response = signed_in.post(
        "/impact/reports/", {"month": "2026-03", "township": "999999999"}, **EN
    )
    assert response.status_code == 400
    assert "There is no township with this code" in response.content.decode()
    assert not Report.objects.exists()


def test_unknown_reports_are_not_found(signed_in: Client) -> None:
    assert signed_in.get("/impact/reports/999999/").status_code == 404
    assert signed_in.get("/impact/reports/999999/download/").status_code == 404
    assert signed_in.get("/impact/reports/?page=abc").status_code == 200


def test_others_may_not_see_reports(client: Client, manager: User) -> None:
    report = report_request(actor=manager, month=MARCH)
    report_make(report_id=report.pk)
    for path in (
        "/impact/reports/",
        f"/impact/reports/{report.pk}/",
        f"/impact/reports/{report.pk}/download/",
    ):
        assert client.get(path).status_code == 302  # anonymous: to the login page
    client.force_login(user_with_role(Role.AGENT))
    for path in (
        "/impact/reports/",
        f"/impact/reports/{report.pk}/",
        f"/impact/reports/{report.pk}/download/",
    ):
        assert client.get(path).status_code == 403
    assert client.post("/impact/reports/", {"month": "2026-03"}).status_code == 403
    assert Report.objects.count() == 1
