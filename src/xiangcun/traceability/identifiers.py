"""GS1 identifiers for lots: GTIN-14 with its check digit, GS1 Digital Link URIs, QR codes.

Pure functions (no database): `selectors.gtin_for_variant` and the pages build on them.
"""

import io
import re
from urllib.parse import quote

import segno
from django.conf import settings

DEFAULT_COMPANY_PREFIX = "6975858"
DEFAULT_RESOLVER = "https://id.xiangcun.example"
_DIGITS = re.compile(r"^[0-9]+$")
GTIN_LENGTHS = (8, 12, 13, 14)


def gtin_check_digit(digits: str) -> int:
    """The GS1 mod-10 check digit for a GTIN without its last digit (any length).

    From the right, digits are weighted 3, 1, 3, 1, ...; the check digit brings the sum up to
    a multiple of ten.
    """
    if not _DIGITS.match(digits):
        raise ValueError("digits only")
    total = sum(int(d) * (3 if i % 2 == 0 else 1) for i, d in enumerate(reversed(digits)))
    return (10 - total % 10) % 10


def gtin_is_valid(gtin: str) -> bool:
    """A GTIN-8, -12, -13 or -14 whose last digit is its check digit."""
    return (
        isinstance(gtin, str)
        and len(gtin) in GTIN_LENGTHS
        and bool(_DIGITS.match(gtin))
        and gtin_check_digit(gtin[:-1]) == int(gtin[-1])
    )


def gtin14(gtin: str) -> str | None:
    """Any valid GTIN as the 14 digits the Digital Link uses (left-padded with zeros); None
    when it is not a valid GTIN."""
    cleaned = "".join(str(gtin or "").split())
    if not gtin_is_valid(cleaned):
        return None
    return cleaned.zfill(14)


def company_prefix() -> str:
    prefix = str(getattr(settings, "GS1_COMPANY_PREFIX", DEFAULT_COMPANY_PREFIX))
    if not _DIGITS.match(prefix) or not 6 <= len(prefix) <= 12:
        raise ValueError("GS1_COMPANY_PREFIX must be 6 to 12 digits")
    return prefix


def gtin_from_item_number(item_number: int, *, indicator: int = 0) -> str:
    """GTIN-14 under our company prefix: indicator digit, prefix, item reference, check digit.

    A 7-digit prefix leaves 5 digits of item reference (100,000 trade items); the number is
    taken modulo that capacity, so the caller must keep it below.
    """
    prefix = company_prefix()
    reference_length = 12 - len(prefix)
    reference = item_number % (10**reference_length)
    body = f"{indicator}{prefix}{reference:0{reference_length}d}"
    return body + str(gtin_check_digit(body))


def resolver_base() -> str:
    return str(getattr(settings, "DIGITAL_LINK_RESOLVER", DEFAULT_RESOLVER)).rstrip("/")


def digital_link_path(*, gtin: str, lot_code: str) -> str:
    """`/01/<gtin14>/10/<lot>`: the lot percent-encoded as GS1 Digital Link 1.x requires
    (everything but the URI unreserved characters A-Z a-z 0-9 - . _ ~)."""
    normalized = gtin14(gtin)
    if normalized is None:
        raise ValueError(f"not a valid GTIN: {gtin!r}")
    return f"/01/{normalized}/10/{quote(lot_code, safe='')}"


def digital_link(*, gtin: str, lot_code: str) -> str:
    """`https://<resolver host>/01/<gtin14>/10/<lot>` for the lot's label and QR code."""
    return resolver_base() + digital_link_path(gtin=gtin, lot_code=lot_code)


def qr_svg(data: str, *, scale: int = 4, title: str = "") -> str:
    """An inline SVG QR code (error correction M, which tolerates a scuffed label)."""
    code = segno.make_qr(data, error="m")
    return code.svg_inline(scale=scale, border=2, title=title or None, dark="#000")


def qr_png(data: str, *, scale: int = 10) -> bytes:
    """A PNG QR code for the PDF label."""
    buffer = io.BytesIO()
    segno.make_qr(data, error="m").save(buffer, kind="png", scale=scale, border=2)
    return buffer.getvalue()
