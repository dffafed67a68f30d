"""The certificate as a printable A5 page: the holder, the course, the date, the code and a QR
that opens the public verification page. In Chinese, with reportlab's CJK font (the one the
traceability labels use), since the certificate is shown to Chinese readers."""

from io import BytesIO

import segno
from reportlab.lib.pagesizes import A5, landscape
from reportlab.lib.units import mm
from reportlab.lib.utils import ImageReader
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfgen.canvas import Canvas

from xiangcun.training.models import Certificate

FONT = "STSong-Light"


def _font() -> str:
    if FONT not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(UnicodeCIDFont(FONT))
    return FONT


def _qr(text: str) -> ImageReader:
    buffer = BytesIO()
    segno.make(text, error="m").save(buffer, kind="png", scale=6, border=1)
    buffer.seek(0)
    return ImageReader(buffer)


def certificate_pdf(*, certificate: Certificate, verify_url: str) -> bytes:
    """One landscape A5 page; `verify_url` is the absolute address of the public check."""
    font = _font()
    size = landscape(A5)
    width, height = size
    buffer = BytesIO()
    pdf = Canvas(buffer, pagesize=size)
    pdf.setTitle(f"{certificate.course.title} {certificate.code}")
    pdf.setLineWidth(2)
    pdf.rect(8 * mm, 8 * mm, width - 16 * mm, height - 16 * mm)
    pdf.setFont(font, 12)
    pdf.drawCentredString(width / 2, height - 22 * mm, "乡村 Xiangcun · 丹寨县 培训")
    pdf.setFont(font, 26)
    pdf.drawCentredString(width / 2, height - 40 * mm, "结业证书")
    pdf.setFont(font, 18)
    pdf.drawCentredString(width / 2, height - 58 * mm, certificate.holder.name or "")
    pdf.setFont(font, 13)
    pdf.drawCentredString(width / 2, height - 70 * mm, "完成了课程")
    pdf.setFont(font, 16)
    pdf.drawCentredString(width / 2, height - 82 * mm, f"《{certificate.course.title}》"[:40])
    pdf.setFont(font, 11)
    issued = certificate.issued_on
    pdf.drawString(16 * mm, 30 * mm, f"发证日期 {issued.year}年{issued.month}月{issued.day}日")
    pdf.drawString(16 * mm, 23 * mm, f"证书编号 {certificate.code}")
    pdf.setFont(font, 8)
    pdf.drawString(16 * mm, 16 * mm, f"扫码或访问 {verify_url} 核验")
    pdf.drawImage(_qr(verify_url), width - 46 * mm, 14 * mm, 32 * mm, 32 * mm)
    pdf.showPage()
    pdf.save()
    return buffer.getvalue()
