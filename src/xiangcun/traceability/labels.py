"""Printable PDF labels for a lot: product name in Chinese, lot code, harvest date, village, the
QR code and the human-readable GS1 Digital Link under it. One 100 x 70 mm label per page."""

import io
from typing import Any

from django.utils import formats, translation
from django.utils.translation import gettext
from reportlab.lib.units import mm
from reportlab.lib.utils import ImageReader
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfgen import canvas

from xiangcun.traceability import identifiers

CJK_FONT = "STSong-Light"  # built into every PDF reader's Asian font pack: no font file needed
LATIN_FONT = "Helvetica"
LABEL_SIZE = (100 * mm, 70 * mm)
_MARGIN = 4 * mm
_QR_SIDE = 40 * mm


def _register_fonts() -> None:
    if CJK_FONT not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(UnicodeCIDFont(CJK_FONT))


def _wrapped(text: str, *, font: str, size: float, width: float) -> list[str]:
    """Break text (Chinese has no spaces) into lines no wider than `width`."""
    lines: list[str] = []
    current = ""
    for char in text:
        if pdfmetrics.stringWidth(current + char, font, size) > width and current:
            lines.append(current)
            current = char.lstrip()
        else:
            current += char
    if current:
        lines.append(current)
    return lines


def _place(lot: Any) -> str:
    village = lot.village
    if village is None:
        return gettext("Danzhai county")
    return f"{village.township.name} {village.name}"


def label_pdf(*, lot: Any) -> bytes:
    """The lot's label as PDF bytes (Chinese text whatever the reader's language)."""
    _register_fonts()
    link = identifiers.digital_link(gtin=lot.gtin, lot_code=lot.code)
    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer, pagesize=LABEL_SIZE, pageCompression=1)
    pdf.setTitle(f"{lot.product.name} {lot.code}")
    pdf.setAuthor("Xiangcun")
    pdf.setSubject(f"Lot {lot.code} GTIN {lot.gtin} {link}")
    width, height = LABEL_SIZE
    with translation.override("zh-hans"):
        pdf.drawImage(
            ImageReader(io.BytesIO(identifiers.qr_png(link, scale=8))),
            _MARGIN,
            height - _MARGIN - _QR_SIDE,
            width=_QR_SIDE,
            height=_QR_SIDE,
        )
        x = _MARGIN * 2 + _QR_SIDE
        text_width = width - x - _MARGIN
        y = height - _MARGIN - 5 * mm
        name = lot.product.name + (f" {lot.variant.name}" if lot.variant else "")
        for line in _wrapped(name, font=CJK_FONT, size=12, width=text_width)[:3]:
            pdf.setFont(CJK_FONT, 12)
            pdf.drawString(x, y, line)
            y -= 6 * mm
        y -= 1 * mm
        facts = [
            gettext("Lot: %(code)s") % {"code": lot.code},
            gettext("Harvested: %(date)s")
            % {"date": formats.date_format(lot.harvested_on, "DATE_FORMAT")},
            gettext("From: %(place)s") % {"place": _place(lot)},
        ]
        if lot.grade:
            facts.append(gettext("Grade: %(grade)s") % {"grade": lot.grade})
        for fact in facts:
            for line in _wrapped(fact, font=CJK_FONT, size=9, width=text_width)[:2]:
                pdf.setFont(CJK_FONT, 9)
                pdf.drawString(x, y, line)
                y -= 4.6 * mm
        pdf.setFont(CJK_FONT, 8)
        pdf.drawString(
            _MARGIN, _MARGIN + 7 * mm, gettext("Scan to see where it comes from (Xiangcun)")
        )
        # The Digital Link in plain text, shrunk to fit one line, for a phone without a
        # scanner.
        size = 8.0
        while size > 4 and pdfmetrics.stringWidth(link, LATIN_FONT, size) > width - 2 * _MARGIN:
            size -= 0.25
        pdf.setFont(LATIN_FONT, size)
        pdf.drawString(_MARGIN, _MARGIN + 2 * mm, link)
    pdf.showPage()
    pdf.save()
    return buffer.getvalue()
