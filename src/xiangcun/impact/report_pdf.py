"""The monthly impact report as a PDF: the month's headline figures against the targets, three
charts drawn here with reportlab.graphics (no browser needed), and the tables of the
dashboard. A4, in the language active when it is made, with the CID font STSong-Light, which
every PDF reader has, so nothing is embedded.

The separators are em dashes: the font has no middle dot.
Chart geometry uses floats (a bar's height); every number printed comes from the Decimals."""

import datetime
import io
from collections.abc import Callable
from decimal import Decimal

from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _
from reportlab.graphics.charts.barcharts import HorizontalBarChart, VerticalBarChart
from reportlab.graphics.charts.legends import Legend
from reportlab.graphics.charts.linecharts import HorizontalLineChart
from reportlab.graphics.shapes import Drawing, String
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.platypus import (
    KeepTogether,
    PageBreak,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    Table,
    TableStyle,
)
from reportlab.platypus.flowables import Flowable

from xiangcun.core.errors import XiangcunError
from xiangcun.impact.models import Report
from xiangcun.impact.selectors.figures import impact_areas, impact_series
from xiangcun.impact.selectors.tables import Cell, TableOut, table_areas, table_jobs, table_summary
from xiangcun.impact.types import AreaRow, Scope
from xiangcun.regions.selectors import county_get_default, townships_list

FONT = "STSong-Light"
WIDTH = A4[0] - 36 * mm  # the frame's width (18 mm margins)
CHART_HEIGHT = 62 * mm
MONTHS_CHARTED = 12
AREAS_CHARTED = 15
COLOURS = (colors.HexColor("#1f6f43"), colors.HexColor("#c2571a"), colors.HexColor("#2f5d9e"))

Progress = Callable[[int], None]


def _font() -> str:
    if FONT not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(UnicodeCIDFont(FONT))
    return FONT


def _english() -> bool:
    return (translation.get_language() or "").startswith("en")


def _months_back(month: datetime.date, count: int) -> datetime.date:
    index = month.year * 12 + month.month - 1 - count
    return datetime.date(index // 12, index % 12 + 1, 1)


def _month_end(month: datetime.date) -> datetime.date:
    following = _months_back(month, -1)
    return following - datetime.timedelta(days=1)


def report_scope(report: Report) -> tuple[Scope, str]:
    """The report's scope (its month, its township or the county) and the place's name."""
    month = report.month.replace(day=1)
    township_code, place = "", ""
    if report.township_id is not None:
        township = next((t for t in townships_list() if t.id == report.township_id), None)
        if township is not None:
            township_code = township.code
            place = township.name_en if _english() and township.name_en else township.name
    if not place:
        try:
            county = county_get_default()
        except XiangcunError:
            place = _("The county")
        else:
            place = county.name_en if _english() and county.name_en else county.name
    scope = Scope(
        date_from=month,
        date_to=_month_end(month),
        township_id=report.township_id,
        township_code=township_code,
    )
    return scope, place


def _styles() -> dict[str, ParagraphStyle]:
    font = _font()
    wrap = None if _english() else "CJK"
    return {
        "title": ParagraphStyle(
            "title", fontName=font, fontSize=20, leading=26, spaceAfter=4, wordWrap=wrap
        ),
        "subtitle": ParagraphStyle(
            "subtitle", fontName=font, fontSize=13, leading=18, spaceAfter=8, wordWrap=wrap
        ),
        "h2": ParagraphStyle(
            "h2",
            fontName=font,
            fontSize=14,
            leading=20,
            spaceBefore=10,
            spaceAfter=6,
            wordWrap=wrap,
        ),
        "body": ParagraphStyle("body", fontName=font, fontSize=10, leading=15, wordWrap=wrap),
        "cell": ParagraphStyle("cell", fontName=font, fontSize=8.5, leading=11, wordWrap=wrap),
    }


def _cell_text(cell: Cell) -> str:
    if cell is None:
        return ""
    if isinstance(cell, Decimal):
        return f"{cell:,.2f}" if cell == cell.quantize(Decimal("0.01")) else f"{cell:,}"
    if isinstance(cell, bool):
        return str(cell)
    if isinstance(cell, int):
        return f"{cell:,}"
    if isinstance(cell, datetime.date):
        return formats.date_format(cell, "DATE_FORMAT")
    return str(cell)


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _table(found: TableOut, styles: dict[str, ParagraphStyle]) -> Table:
    """A table of the dashboard's, headings repeated on each page; numbers right-aligned."""
    cell_style = styles["cell"]
    header = [Paragraph(_escape(heading), cell_style) for heading in found.headers]
    body = [
        [
            _cell_text(cell)
            if isinstance(cell, int | Decimal)
            else Paragraph(_escape(_cell_text(cell)), cell_style)
            for cell in row
        ]
        for row in found.rows
    ]
    table = Table([header, *body], repeatRows=1, hAlign="LEFT")
    table.setStyle(
        TableStyle(
            [
                ("FONTNAME", (0, 0), (-1, -1), _font()),
                ("FONTSIZE", (0, 0), (-1, -1), 8.5),
                ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#e8efe9")),
                ("GRID", (0, 0), (-1, -1), 0.4, colors.HexColor("#9aa59c")),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("ALIGN", (1, 1), (-1, -1), "RIGHT"),
            ]
        )
    )
    return table


def _chart_title(drawing: Drawing, text: str) -> None:
    drawing.add(String(0, CHART_HEIGHT - 10, text, fontName=_font(), fontSize=11))


def _month_labels(months: list[datetime.date]) -> list[str]:
    return [f"{month:%m}" if month.month != 1 else f"{month:%Y-%m}" for month in months]


def chart_reach(scope: Scope, month: datetime.date) -> Drawing:
    """Residents reached in each of the twelve months to the report's month (bars)."""
    first = _months_back(month, MONTHS_CHARTED - 1)
    span = Scope(
        date_from=first,
        date_to=scope.date_to,
        township_id=scope.township_id,
        township_code=scope.township_code,
    )
    points = {p.start: p.value for p in impact_series(span, metric="residents_reached")}
    months = [_months_back(month, back) for back in range(MONTHS_CHARTED - 1, -1, -1)]
    values = [float(points.get(m, 0)) for m in months]
    drawing = Drawing(WIDTH, CHART_HEIGHT)
    _chart_title(drawing, _("Residents reached, by month"))
    chart = VerticalBarChart()
    chart.x, chart.y = 30, 20
    chart.width, chart.height = WIDTH - 45, CHART_HEIGHT - 45
    chart.data = [values]
    chart.bars[0].fillColor = COLOURS[0]
    chart.valueAxis.valueMin = 0
    chart.valueAxis.labels.fontName = _font()
    chart.valueAxis.labels.fontSize = 7
    chart.categoryAxis.categoryNames = _month_labels(months)
    chart.categoryAxis.labels.fontName = _font()
    chart.categoryAxis.labels.fontSize = 7
    drawing.add(chart)
    return drawing


def chart_sales(scope: Scope, month: datetime.date) -> Drawing:
    """Sales out of the county, bought in, and within the county, by month (three lines)."""
    first = _months_back(month, MONTHS_CHARTED - 1)
    span = Scope(
        date_from=first,
        date_to=scope.date_to,
        township_id=scope.township_id,
        township_code=scope.township_code,
    )
    months = [_months_back(month, back) for back in range(MONTHS_CHARTED - 1, -1, -1)]
    lines = []
    names = (
        ("upward_sales", _("Sales out of the county")),
        ("downward_sales", _("Goods bought in from outside")),
        ("local_sales", _("Sales within the county")),
    )
    for metric, _label in names:
        points = {p.start: p.value for p in impact_series(span, metric=metric)}
        lines.append([float(points.get(m, 0)) for m in months])
    drawing = Drawing(WIDTH, CHART_HEIGHT + 14)
    _chart_title(drawing, _("Sales by month (yuan)"))
    chart = HorizontalLineChart()
    chart.x, chart.y = 45, 34
    chart.width, chart.height = WIDTH - 60, CHART_HEIGHT - 58
    chart.data = lines
    for index, colour in enumerate(COLOURS):
        chart.lines[index].strokeColor = colour
        chart.lines[index].strokeWidth = 1.6
    chart.valueAxis.valueMin = 0
    chart.valueAxis.labels.fontName = _font()
    chart.valueAxis.labels.fontSize = 7
    chart.categoryAxis.categoryNames = _month_labels(months)
    chart.categoryAxis.labels.fontName = _font()
    chart.categoryAxis.labels.fontSize = 7
    drawing.add(chart)
    legend = Legend()
    legend.x, legend.y = 45, 8
    legend.fontName = _font()
    legend.fontSize = 8
    legend.alignment = "right"
    legend.columnMaximum = 1
    legend.deltax = 120
    legend.colorNamePairs = [(COLOURS[i], str(label)) for i, (_m, label) in enumerate(names)]
    drawing.add(legend)
    return drawing


def chart_areas(areas: list[AreaRow], *, villages: bool) -> Drawing:
    """Residents reached in the month by township (or village), the most first."""
    shown = sorted(areas, key=lambda a: (-a.residents_reached, a.code))[:AREAS_CHARTED]
    shown.reverse()  # a horizontal bar chart draws its first category at the bottom
    height = max(CHART_HEIGHT, 16 * len(shown) + 40)
    drawing = Drawing(WIDTH, height)
    title = _("Residents reached, by village") if villages else _("Residents reached, by township")
    drawing.add(String(0, height - 10, title, fontName=_font(), fontSize=11))
    chart = HorizontalBarChart()
    chart.x, chart.y = 90, 15
    chart.width, chart.height = WIDTH - 110, height - 40
    chart.data = [[float(a.residents_reached) for a in shown] or [0.0]]
    chart.bars[0].fillColor = COLOURS[2]
    chart.valueAxis.valueMin = 0
    chart.valueAxis.labels.fontName = _font()
    chart.valueAxis.labels.fontSize = 7
    chart.categoryAxis.categoryNames = [
        (a.name_en if _english() and a.name_en else a.name)[:14] for a in shown
    ] or [""]
    chart.categoryAxis.labels.fontName = _font()
    chart.categoryAxis.labels.fontSize = 8
    drawing.add(chart)
    return drawing


def _headline(summary: TableOut, styles: dict[str, ParagraphStyle]) -> list[Flowable]:
    return [Paragraph(_("Headline figures"), styles["h2"]), _table(summary, styles)]


def report_pdf(report: Report, *, progress: Progress | None = None) -> bytes:
    """The PDF of a report's month (and township), calling `progress` with 0-100 as it goes."""
    step = progress or (lambda _done: None)
    styles = _styles()
    scope, place = report_scope(report)
    month_label = formats.date_format(report.month, "YEAR_MONTH_FORMAT")
    step(5)
    summary = table_summary(scope)
    step(20)
    reach = chart_reach(scope, report.month)
    step(35)
    sales = chart_sales(scope, report.month)
    step(55)
    areas = impact_areas(scope)
    areas_chart = chart_areas(areas, villages=scope.township_id is not None)
    areas_table = table_areas(scope)
    step(70)
    jobs = table_jobs(scope)
    step(80)
    made = timezone.localtime().strftime("%Y-%m-%d %H:%M")
    story: list[Flowable] = [
        Paragraph(_escape(_("Xiangcun impact report")), styles["title"]),
        Paragraph(_escape(f"{place} — {month_label}"), styles["subtitle"]),
        Paragraph(_escape(_("Made %(when)s.") % {"when": made}), styles["body"]),
        Spacer(1, 4 * mm),
        *_headline(summary, styles),
        PageBreak(),
        Paragraph(_escape(_("Charts")), styles["h2"]),
        KeepTogether([reach, Spacer(1, 6 * mm)]),
        KeepTogether([sales, Spacer(1, 6 * mm)]),
        KeepTogether([areas_chart]),
        PageBreak(),
        Paragraph(_escape(areas_table.title), styles["h2"]),
        _table(areas_table, styles),
        Paragraph(_escape(jobs.title), styles["h2"]),
        _table(jobs, styles)
        if jobs.rows
        else Paragraph(_escape(_("No one was hired in this month.")), styles["body"]),
    ]
    buffer = io.BytesIO()
    document = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=18 * mm,
        rightMargin=18 * mm,
        topMargin=16 * mm,
        bottomMargin=16 * mm,
        title=f"{_('Xiangcun impact report')} {report.month:%Y-%m}",
        author="Xiangcun",
    )

    def _page_number(canvas: object, doc: SimpleDocTemplate) -> None:
        canvas.setFont(_font(), 8)  # type: ignore[attr-defined]
        canvas.drawRightString(  # type: ignore[attr-defined]
            A4[0] - 18 * mm, 9 * mm, f"{place} — {month_label} — {doc.page}"
        )

    document.build(story, onFirstPage=_page_number, onLaterPages=_page_number)
    step(95)
    return buffer.getvalue()
