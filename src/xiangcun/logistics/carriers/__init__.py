"""Express carriers behind one interface (`base.Carrier`): Kuaidi100 for the national
carriers it speaks for, and the manual carrier (staff type numbers and steps) for the county's
own courier or when Kuaidi100 is not configured. `carrier_via` says which makes a carrier's
waybills; `carrier_client` gives the implementation."""

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from xiangcun.logistics.carriers.base import Carrier
from xiangcun.logistics.carriers.kuaidi100 import COMPANY, Kuaidi100
from xiangcun.logistics.carriers.manual import ManualCarrier

# Carrier codes (the same as shipping's) and their names.
CARRIER_NAMES: dict[str, Promise] = {
    "sf": _("SF Express"),
    "ems": _("China Post EMS"),
    "jd": _("JD Logistics"),
    "zto": _("ZTO Express"),
    "yto": _("YTO Express"),
    "sto": _("STO Express"),
    "yunda": _("Yunda Express"),
    "county_courier": _("County courier"),
}
# The carrier a parcel leaving the county goes with when its order names none.
DEFAULT_CARRIER = "ems"


def carrier_name(code: str) -> str:
    name = CARRIER_NAMES.get(code)
    return str(name) if name is not None else code


def carrier_choices() -> list[tuple[str, str]]:
    return [(code, str(name)) for code, name in CARRIER_NAMES.items()]


def carrier_via(code: str) -> str:
    """ "kuaidi100" when Kuaidi100 is configured and carries for `code`, else "manual"."""
    kuaidi100 = Kuaidi100()
    return "kuaidi100" if code in COMPANY and kuaidi100.configured() else "manual"


def carrier_client(via: str) -> Carrier:
    return Kuaidi100() if via == "kuaidi100" else ManualCarrier()


__all__ = [
    "CARRIER_NAMES",
    "DEFAULT_CARRIER",
    "Carrier",
    "carrier_choices",
    "carrier_client",
    "carrier_name",
    "carrier_via",
]
