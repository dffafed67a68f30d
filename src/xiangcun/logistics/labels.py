"""Printable documents of the warehouse: the parcel label (100 x 150 mm, the size thermal label
printers take) with a QR of the parcel number and, for every traced lot inside, the lot's
GS1 Digital Link QR that opens its public trace page."""

from io import BytesIO

import segno
from reportlab.lib.units import mm
from reportlab.lib.utils import ImageReader
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfgen.canvas import Canvas

from xiangcun.core.validators import mobile_mask
from xiangcun.logistics.models import PackedLine, Parcel
from xiangcun.traceability.selectors import lot_digital_link, lot_get

FONT = "STSong-Light"
LABEL_SIZE = (100 * mm, 150 * mm)


def _font() -> str:
    if FONT not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(UnicodeCIDFont(FONT))
    return FONT


def _qr(text: str) -> ImageReader:
    buffer = BytesIO()
    segno.make(text, error="m").save(buffer, kind="png", scale=6, border=1)
    buffer.seek(0)
    return ImageReader(buffer)


def parcel_trace_links(*, parcel: Parcel) -> list[tuple[str, str]]:
    """(lot code, Digital Link) of every lot packed into the parcel."""
    lot_ids = sorted(
        set(
            PackedLine.objects.filter(task_id=parcel.task_id, lot__isnull=False).values_list(
                "lot_id", flat=True
            )
        )
    )
    links = []
    for lot_id in lot_ids:
        lot = lot_get(lot_id=lot_id)
        links.append((lot.code, lot_digital_link(lot=lot)))
    return links


def parcel_label_pdf(*, parcel: Parcel, order_number: str, lines: list[str]) -> bytes:
    """One label page: destination big, recipient, order and parcel numbers, contents, QRs."""
    font = _font()
    buffer = BytesIO()
    width, height = LABEL_SIZE
    pdf = Canvas(buffer, pagesize=LABEL_SIZE)
    pdf.setTitle(parcel.number)
    y = height - 12 * mm
    pdf.setFont(font, 11)
    pdf.drawString(6 * mm, y, "乡村 Xiangcun · 丹寨县")
    y -= 12 * mm
    if parcel.destination == Parcel.Destination.STATION and parcel.station is not None:
        where = f"{parcel.station.name}（取件）"
    elif parcel.destination == Parcel.Destination.HOME:
        where = "送货上门"
    else:
        where = "转快递"
    pdf.setFont(font, 20)
    pdf.drawString(6 * mm, y, where[:14])
    y -= 9 * mm
    pdf.setFont(font, 14)
    pdf.drawString(6 * mm, y, f"收件人 {parcel.recipient}  {mobile_mask(parcel.phone)}")
    if parcel.address_text:
        y -= 7 * mm
        pdf.setFont(font, 10)
        pdf.drawString(6 * mm, y, parcel.address_text[:40])
    y -= 8 * mm
    pdf.setFont(font, 10)
    pdf.drawString(6 * mm, y, f"订单 {order_number}")
    y -= 5 * mm
    pdf.drawString(6 * mm, y, f"包裹 {parcel.number}  {parcel.weight_g / 1000:.1f} kg")
    if parcel.needs_cold_chain:
        y -= 5 * mm
        pdf.drawString(6 * mm, y, "冷链 Keep cold")
    pdf.drawImage(_qr(parcel.number), width - 36 * mm, height - 42 * mm, 30 * mm, 30 * mm)
    y -= 8 * mm
    pdf.setFont(font, 9)
    for line in lines[:6]:
        pdf.drawString(6 * mm, y, line[:44])
        y -= 4.5 * mm
    links = parcel_trace_links(parcel=parcel)
    x = 6 * mm
    for code, link in links[:3]:
        pdf.drawImage(_qr(link), x, 14 * mm, 26 * mm, 26 * mm)
        pdf.setFont(font, 7)
        pdf.drawString(x, 10 * mm, f"扫码溯源 {code}"[:22])
        x += 30 * mm
    pdf.showPage()
    pdf.save()
    return buffer.getvalue()
