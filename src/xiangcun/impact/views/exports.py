"""Downloads of the dashboard's tables: /impact/export/<table>.<csv|xlsx> with the dashboard's
filters (?from=&to=&township=&village=&category=, and the households page's ?reached=yes|no).
CSV is UTF-8 with a BOM, so Excel shows the Chinese; XLSX is written with openpyxl. For the
programme manager and administrators only."""

import csv
import datetime
import io
from decimal import Decimal

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.utils import timezone
from django.views.decorators.http import require_safe
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font

from xiangcun.impact.selectors.scope import scope_parse
from xiangcun.impact.selectors.tables import Cell, TableOut, export_table, export_tables
from xiangcun.impact.services._common import require_impact_viewer
from xiangcun.impact.types import Scope

FORMATS = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
# The households page's ?reached= (all when absent or anything else).
_REACHED = {"yes": True, "no": False}
# Text a spreadsheet would take for a formula: written with a leading apostrophe in CSV, and
# as plain text in XLSX.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def scope_from_query(query: QueryDict) -> Scope:
    """The dashboard's filters, each bounded (scope_parse checks them)."""
    return scope_parse(
        date_from=query.get("from", "")[:20],
        date_to=query.get("to", "")[:20],
        township=query.get("township", "")[:20],
        village=query.get("village", "")[:20],
        category=query.get("category", "")[:80],
    )


@login_required
@require_safe
def export(request: HttpRequest, table: str, fmt: str) -> HttpResponse:
    require_impact_viewer(request.user)
    if fmt not in FORMATS or table not in export_tables():
        raise Http404
    reached = _REACHED.get(request.GET.get("reached", ""))
    found = export_table(name=table, scope=scope_from_query(request.GET), reached=reached)
    data = table_csv(found) if fmt == "csv" else table_xlsx(found)
    response = HttpResponse(data, content_type=FORMATS[fmt])
    stamp = timezone.localdate().isoformat()
    response["Content-Disposition"] = f'attachment; filename="impact-{table}-{stamp}.{fmt}"'
    response["Cache-Control"] = "private, no-store"
    return response


def _text(cell: Cell) -> str:
    if cell is None:
        return ""
    if isinstance(cell, Decimal):
        return f"{cell:.2f}" if cell == cell.quantize(Decimal("0.01")) else str(cell)
    if isinstance(cell, datetime.date):
        return cell.isoformat()
    text = str(cell)
    return "'" + text if text.startswith(_FORMULA_START) and not _number(text) else text


def _number(text: str) -> bool:
    try:
        Decimal(text)
    except ArithmeticError:
        return False
    return True


def table_csv(table: TableOut) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([_text(heading) for heading in table.headers])
    for row in table.rows:
        writer.writerow([_text(cell) for cell in row])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def table_xlsx(table: TableOut) -> bytes:
    book = Workbook()
    sheet = book.active
    assert sheet is not None  # a new workbook has its first sheet  # noqa: S101
    # A sheet's title: at most 31 characters, none of []:*?/\
    sheet.title = "".join(c for c in table.title if c not in "[]:*?/\\")[:31] or table.name
    sheet.append([_xlsx_text(heading) for heading in table.headers])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in table.rows:
        sheet.append([_xlsx_value(cell) for cell in row])
    for row_cells in sheet.iter_rows(min_row=2):
        for cell in row_cells:
            if isinstance(cell.value, Decimal):
                cell.number_format = "0.00"
            elif isinstance(cell.value, datetime.date):
                cell.number_format = "yyyy-mm-dd"
            elif isinstance(cell.value, str):
                cell.data_type = "s"  # never a formula, whatever it starts with
    sheet.freeze_panes = "A2"
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _xlsx_text(text: str) -> str:
    return str(ILLEGAL_CHARACTERS_RE.sub("", text))


def _xlsx_value(cell: Cell) -> str | int | Decimal | datetime.date | None:
    if isinstance(cell, str):
        return _xlsx_text(cell)
    return cell
