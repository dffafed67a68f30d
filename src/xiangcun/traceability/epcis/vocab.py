"""CBV 2.0 vocabularies and GS1 identifiers (EPC URNs, Digital Link URIs, SGLNs).

The bare names (`shipping`) are the JSON-LD short form of the CBV 2.0 web URIs
(`https://ref.gs1.org/cbv/BizStep-shipping`); we compare and index the web URI form so a
query finds an event whichever form it was captured in.
"""

import re
from dataclasses import dataclass
from functools import cache
from urllib.parse import quote, unquote

from django.conf import settings

from xiangcun.traceability.epcis.standards import epcis_schema
from xiangcun.traceability.identifiers import company_prefix, gtin_check_digit

CBV_BASE = "https://ref.gs1.org/cbv/"
XML_CBV_PREFIX = "urn:epcglobal:cbv:"
OLD_WEB_CBV = re.compile(r"^https?://ns\.gs1\.org/cbv/")

# Field -> (schema definition holding the bare names, CBV web URI prefix).
VOCABULARIES = {
    "bizStep": ("bizStep", "BizStep-"),
    "disposition": ("disposition", "Disp-"),
    "bizTransactionType": ("bizTransaction-type", "BTT-"),
    "sourceDestType": ("source-dest-type", "SDT-"),
    "errorReason": ("error-reason", "ER-"),
}


@cache
def cbv_names(vocabulary: str) -> frozenset[str]:
    """The bare CBV 2.0 names of a vocabulary, as the GS1 schema lists them."""
    definition = epcis_schema()["definitions"][VOCABULARIES[vocabulary][0]]
    for option in definition["anyOf"]:
        if "enum" in option:
            return frozenset(option["enum"])
    return frozenset()


def cbv_uri(vocabulary: str, value: str) -> str:
    """The CBV web URI of a bare name; any other value (a URI) unchanged."""
    if value in cbv_names(vocabulary):
        return CBV_BASE + VOCABULARIES[vocabulary][1] + value
    return value


def cbv_problem(vocabulary: str, value: object) -> str | None:
    """Why a vocabulary value is not acceptable in EPCIS 2.0 JSON, or None when it is."""
    if not isinstance(value, str):
        return f"{vocabulary} must be a string"
    if value in cbv_names(vocabulary):
        return None
    if value.startswith(XML_CBV_PREFIX) or OLD_WEB_CBV.match(value):
        return (
            f"{vocabulary} {value!r} is an EPCIS 1.x XML-style CBV value; EPCIS 2.0 JSON uses "
            f"the bare name or the CBV 2.0 web URI ({CBV_BASE}...)"
        )
    prefix = CBV_BASE + VOCABULARIES[vocabulary][1]
    if value.startswith(prefix):
        if value[len(prefix) :] in cbv_names(vocabulary):
            return None
        return f"{vocabulary} {value!r} is not a CBV 2.0 value"
    if value.startswith(CBV_BASE):
        return f"{vocabulary} {value!r} is not a CBV 2.0 value"
    if ":" not in value:
        return f"unknown {vocabulary} {value!r}: neither a CBV 2.0 name nor a URI"
    return None


# ---- identifiers -------------------------------------------------------------------------

_DL_GTIN = re.compile(
    r"^https?://[^/]+(?:/.*)?/01/(\d{14})(?:/10/([^/?#]+))?(?:/21/[^/?#]+)?/?(?:[?#].*)?$"
)
_URN_GTIN = re.compile(r"^urn:epc:(?:id|class|idpat):(sgtin|lgtin):(\d+)\.(\d+)\.(.+)$")
# Characters TDS allows in the serial/lot component of an EPC URN without escaping.
_URN_SAFE = "!'()*+,-.:;=_"


@dataclass(frozen=True)
class TradeItem:
    """A GTIN-based identifier: the GTIN-14, the lot (if named) and whether it is ours."""

    gtin: str
    lot: str | None
    ours: bool


def _gtin_from_urn(prefix: str, reference: str) -> str | None:
    if len(prefix) + len(reference) != 13 or not reference:
        return None
    body = reference[0] + prefix + reference[1:]
    return body + str(gtin_check_digit(body))


def trade_item(identifier: str) -> TradeItem | None:
    """Parse an SGTIN/LGTIN URN or a GS1 Digital Link URI naming a GTIN (and lot)."""
    ours_prefix = company_prefix()
    match = _URN_GTIN.match(identifier)
    if match:
        scheme, prefix, reference, last = match.groups()
        gtin = _gtin_from_urn(prefix, reference)
        if gtin is None:
            return None
        lot = unquote(last) if scheme == "lgtin" else None
        return TradeItem(gtin=gtin, lot=lot, ours=prefix == ours_prefix)
    match = _DL_GTIN.match(identifier)
    if match:
        gtin, lot = match.groups()
        ours = gtin[1 : 1 + len(ours_prefix)] == ours_prefix
        return TradeItem(gtin=gtin, lot=unquote(lot) if lot else None, ours=ours)
    return None


def lot_class_epc(*, gtin: str, lot_code: str) -> str:
    """The EPC class of a lot: an LGTIN URN under our prefix, else a GS1 Digital Link URI
    (which needs no company-prefix length)."""
    prefix = company_prefix()
    if len(gtin) == 14 and gtin[1 : 1 + len(prefix)] == prefix:
        reference = gtin[0] + gtin[1 + len(prefix) : 13]
        return f"urn:epc:class:lgtin:{prefix}.{reference}.{quote(lot_code, safe=_URN_SAFE)}"
    return f"https://id.gs1.org/01/{gtin}/10/{quote(lot_code, safe='')}"


def sgln_prefix() -> str:
    """The GS1 company prefix of our location numbers (settings.EPCIS_SGLN_PREFIX, by
    default our GS1_COMPANY_PREFIX)."""
    return str(getattr(settings, "EPCIS_SGLN_PREFIX", "") or company_prefix())


def sgln(*, location_reference: int = 0, extension: str = "0") -> str:
    """An SGLN of ours: location reference 0 is the county programme itself, a station's
    reference is its id, a village is the county GLN with the village code as extension."""
    prefix = sgln_prefix()
    width = 12 - len(prefix)
    return f"urn:epc:id:sgln:{prefix}.{location_reference:0{width}d}.{extension}"


def station_sgln(station_id: int) -> str:
    return sgln(location_reference=station_id)


def village_sgln(village_code: str) -> str:
    return sgln(extension=village_code)


_SGLN = re.compile(r"^urn:epc:id:sgln:(\d+)\.(\d*)\.(.+)$")


def sgln_parts(value: str) -> tuple[int, str] | None:
    """(location reference, extension) of one of OUR SGLNs; None for anyone else's."""
    match = _SGLN.match(value)
    if not match or match.group(1) != sgln_prefix():
        return None
    return int(match.group(2) or 0), match.group(3)


def epc_pattern_prefix(pattern: str) -> list[str] | None:
    """The value prefixes a GS1 EPC pure-identity pattern (`urn:epc:idpat:sgtin:CP.IR.*`)
    matches, or None when `pattern` is not a pattern (then it matches exactly).

    TDS allows `*` only as a whole trailing component, so a pattern is a prefix.
    """
    if not pattern.startswith("urn:epc:idpat:"):
        return None
    scheme, _, body = pattern[len("urn:epc:idpat:") :].partition(":")
    parts = body.split(".")
    if "*" not in parts:
        return None
    fixed = parts[: parts.index("*")]
    head = ".".join(fixed) + ("." if fixed else "")
    prefixes = [f"urn:epc:id:{scheme}:{head}", f"urn:epc:idpat:{scheme}:{head}"]
    if scheme == "sgtin":
        prefixes.append(f"urn:epc:class:lgtin:{head}")
    return prefixes
