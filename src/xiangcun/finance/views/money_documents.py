"""A monthly statement as a CSV (UTF-8 with a BOM, so Excel shows the Chinese) and as a PDF
(A4, reportlab with the CID font STSong-Light, which every PDF reader has, so nothing is
embedded), in the reader's language."""

import csv
import io

from django.utils import formats
from django.utils.translation import gettext as _
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfgen.canvas import Canvas

from xiangcun.finance.selectors import MonthStatement

FONT = "STSong-Light"


def _font() -> str:
    if FONT not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(UnicodeCIDFont(FONT))
    return FONT


def _cell(value: str) -> str:
    return "'" + value if value[:1] in {"=", "+", "-", "@"} and not value[1:2].isdigit() else value


def month_label(statement: MonthStatement) -> str:
    return formats.date_format(statement.month, "YEAR_MONTH_FORMAT")


def statement_csv(statement: MonthStatement) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([_("Shop"), _cell(statement.seller_name), _("Month"), month_label(statement)])
    writer.writerow([_("Opening balance"), f"{statement.opening:.2f}"])
    for total in statement.totals:
        writer.writerow([str(total.label), f"{total.amount:.2f}"])
    writer.writerow([_("Closing balance"), f"{statement.closing:.2f}"])
    writer.writerow([])
    writer.writerow([_("Date"), _("What"), _("Reference"), _("Amount"), _("Balance")])
    for row in statement.rows:
        writer.writerow(
            [
                formats.date_format(row.date, "SHORT_DATE_FORMAT"),
                str(row.label),
                row.reference,
                f"{row.amount:.2f}",
                f"{row.balance:.2f}",
            ]
        )
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def statement_pdf(statement: MonthStatement) -> bytes:
    font = _font()
    buffer = io.BytesIO()
    pdf = Canvas(buffer, pagesize=A4)
    width, height = A4
    y = height - 20 * mm

    def line(text: str, amount: str = "", *, size: int = 11) -> None:
        nonlocal y
        if y < 20 * mm:
            pdf.showPage()
            y = height - 20 * mm
        pdf.setFont(font, size)
        pdf.drawString(20 * mm, y, text)
        if amount:
            pdf.drawRightString(width - 20 * mm, y, amount)
        y -= size * 1.6

    line(_("Xiangcun statement"), size=16)
    line(f"{statement.seller_name} · {month_label(statement)}", size=12)
    y -= 4 * mm
    line(_("Opening balance"), f"¥{statement.opening:.2f}")
    for total in statement.totals:
        if total.amount:
            line(str(total.label), f"¥{total.amount:.2f}")
    line(_("Closing balance"), f"¥{statement.closing:.2f}", size=12)
    y -= 6 * mm
    for row in statement.rows:
        day = formats.date_format(row.date, "SHORT_DATE_FORMAT")
        line(f"{day}  {row.label}  {row.reference}", f"¥{row.amount:.2f}", size=9)
    pdf.showPage()
    pdf.save()
    return buffer.getvalue()
