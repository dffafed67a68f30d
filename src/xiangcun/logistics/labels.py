"""Printable documents of the warehouse: the parcel label (100 x 150 mm, the size thermal label
printers take) with a QR of the parcel number and, for every traced lot inside, the lot's
GS1 Digital Link QR that opens its public trace page; and the electronic waybill label of a
parcel leaving with a national carrier (76 x 130 mm or 100 x 150 mm), with the tracking number
as a Code 128 barcode and a QR to the trace page of its first traced lot (or its tracking
page)."""

from io import BytesIO

import segno
from django.conf import settings
from django.urls import reverse
from reportlab.graphics.barcode.code128 import Code128
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
# Electronic waybill sizes: the 76 x 130 mm one-piece and the 100 x 150 mm thermal label.
WAYBILL_SIZES = {"76x130": (76 * mm, 130 * mm), "100x150": (100 * mm, 150 * mm)}


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


def parcel_trace_url(*, parcel: Parcel) -> str:
    """Where the waybill's QR leads: the public trace page of the first traced lot inside, or
    else the parcel's tracking page on our site."""
    links = parcel_trace_links(parcel=parcel)
    if links:
        return links[0][1]
    base = str(getattr(settings, "DIGITAL_LINK_RESOLVER", "") or "").rstrip("/")
    return base + reverse("logistics:track", kwargs={"number": parcel.number})


def _wrap(text: str, width: int) -> list[str]:
    return [text[start : start + width] for start in range(0, len(text), width)] or [""]


def waybill_label_pdf(
    *,
    parcel: Parcel,
    carrier_name: str,
    tracking_number: str,
    sort_code: str,
    sender: tuple[str, str, str],
    size: str = "100x150",
) -> bytes:
    """One waybill label page of `size` ("76x130" or "100x150"): carrier and sort code, the
    tracking number as a Code 128 barcode, recipient with masked phone and address, sender,
    weight, and the trace QR. `sender` is (name, phone, address). Staff-facing Chinese, the
    language of the couriers who read it; the page stream is not compressed (small, and
    printers and tests read it as it is)."""
    width, height = WAYBILL_SIZES[size]
    scale = width / (100 * mm)
    font = _font()
    buffer = BytesIO()
    pdf = Canvas(buffer, pagesize=(width, height), pageCompression=0)
    pdf.setTitle(tracking_number)
    pdf.setSubject(f"{carrier_name} {tracking_number}")
    margin = 4 * mm
    y = height - 9 * mm
    pdf.setFont(font, 14 * scale)
    pdf.drawString(margin, y, carrier_name[:12])
    if sort_code:
        pdf.setFont(font, 18 * scale)
        pdf.drawRightString(width - margin, y, sort_code[:10])
    y -= 4 * mm
    pdf.line(margin, y, width - margin, y)
    barcode = Code128(tracking_number, barHeight=14 * mm * scale, barWidth=0.33 * mm * scale)
    y -= 16 * mm * scale
    barcode.drawOn(pdf, max((width - barcode.width) / 2, 0), y)
    y -= 5 * mm
    pdf.setFont("Helvetica-Bold", 12 * scale)
    pdf.drawCentredString(width / 2, y, tracking_number)
    y -= 3 * mm
    pdf.line(margin, y, width - margin, y)
    y -= 6 * mm
    pdf.setFont(font, 12 * scale)
    pdf.drawString(margin, y, f"收 {parcel.recipient[:12]}  {mobile_mask(parcel.phone)}")
    pdf.setFont(font, 9 * scale)
    for line in _wrap(parcel.address_text, int(34 * scale))[:3]:
        y -= 4.5 * mm
        pdf.drawString(margin, y, line)
    y -= 6 * mm
    name, phone, address = sender
    pdf.setFont(font, 8 * scale)
    pdf.drawString(margin, y, f"寄 {name[:16]}  {mobile_mask(phone)}")
    y -= 4 * mm
    pdf.drawString(margin, y, address[: int(40 * scale)])
    y -= 6 * mm
    pdf.setFont(font, 9 * scale)
    pdf.drawString(margin, y, f"重量 {parcel.weight_g / 1000:.2f} kg  件数 {parcel.crates}")
    y -= 4.5 * mm
    pdf.drawString(margin, y, f"包裹 {parcel.number}")
    if parcel.needs_cold_chain:
        y -= 4.5 * mm
        pdf.drawString(margin, y, "冷链 请冷藏")
    qr_size = 24 * mm * scale
    pdf.drawImage(
        _qr(parcel_trace_url(parcel=parcel)), width - margin - qr_size, 8 * mm, qr_size, qr_size
    )
    pdf.setFont(font, 7 * scale)
    pdf.drawRightString(width - margin, 5 * mm, "扫码溯源 查看物流")
    pdf.showPage()
    pdf.save()
    return buffer.getvalue()
