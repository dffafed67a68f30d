"""Checkout's home address anywhere in mainland China: the three division selects narrowed
from what was chosen, the fields filled from a pasted line or a saved address, and the
delivery options priced for the county chosen. Every step is a plain form round trip; htmx
sends the same form and swaps only the address part of the page."""

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.http import HttpRequest, QueryDict
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from xiangcun.core.errors import XiangcunError
from xiangcun.orders import services
from xiangcun.orders.models import SavedAddress
from xiangcun.orders.templatetags.order_pages import yuan
from xiangcun.orders.types import CartSummary
from xiangcun.regions import services as regions_services
from xiangcun.regions.selectors import division_children, division_path
from xiangcun.regions.types import DivisionOut
from xiangcun.shipping.errors import CannotShipFreshError, NoShippingError
from xiangcun.shipping.selectors import rate_quote
from xiangcun.shipping.types import ShippingOption

Choices = list[tuple[Any, Any]]
# What the address part of the form holds, as a saved address or a pasted line fills it.
ADDRESS_NAMES = ("county_code", "street", "detail", "recipient", "phone")


def division_label(division: DivisionOut) -> str:
    """A division's name in the reader's language (its English name when reading English)."""
    if (get_language() or "").startswith("en") and division.name_en:
        return division.name_en
    return division.name


def _choices(divisions: list[DivisionOut]) -> Choices:
    return [(division.code, division_label(division)) for division in divisions]


def codes_of(county_code: str) -> dict[str, str]:
    """The province, prefecture and county codes of a county, for the three selects; empty
    when the code names no county."""
    try:
        path = division_path(county_code)
    except XiangcunError:
        return {}
    return {
        "province_code": path.province.code,
        "prefecture_code": path.prefecture.code,
        "county_code": path.county.code,
    }


def division_choices(
    values: Any,
) -> tuple[tuple[Choices, Choices, Choices], dict[str, str]]:
    """The choices of the three selects narrowed by what was chosen, and the chosen codes with
    any that no longer fit the one above cleared (a new province clears the city)."""
    chosen = {name: values.get(name, "") for name in ADDRESS_CODES}
    provinces = division_children(None)
    prefectures: list[DivisionOut] = []
    counties: list[DivisionOut] = []
    if chosen["province_code"] in {division.code for division in provinces}:
        prefectures = division_children(chosen["province_code"])
    else:
        chosen["province_code"] = ""
    by_code = {division.code: division for division in prefectures}
    if chosen["prefecture_code"] in by_code:
        prefecture = by_code[chosen["prefecture_code"]]
        # A city without counties (东莞市) is its own county.
        counties = division_children(prefecture.code) if prefecture.has_children else [prefecture]
    else:
        chosen["prefecture_code"] = ""
    if chosen["county_code"] not in {division.code for division in counties}:
        chosen["county_code"] = ""
    return (_choices(provinces), _choices(prefectures), _choices(counties)), chosen


ADDRESS_CODES = ("province_code", "prefecture_code", "county_code")


def saved_values(address: SavedAddress) -> dict[str, str]:
    """A saved address as the checkout form's fields."""
    return {
        **codes_of(address.county_code),
        **{name: getattr(address, name) for name in ADDRESS_NAMES if name != "county_code"},
        "saved_address": str(address.pk),
    }


def pasted_values(text: str) -> tuple[dict[str, str], list[str]]:
    """The fields "paste an address" found in `text` (only those it found), and the names of
    the fields it could not find, to tell the buyer."""
    try:
        # Through the package: `address_parse` is also the name of its module.
        parsed = regions_services.address_parse(text[:300])
    except XiangcunError:
        return {}, ["county_code"]
    values: dict[str, str] = {}
    if parsed.county_code:
        values.update(codes_of(parsed.county_code))
    for name in ("detail", "recipient", "phone"):
        if getattr(parsed, name):
            values[name] = getattr(parsed, name)
    missing = [
        name for name in ("county_code", "detail", "recipient", "phone") if name not in values
    ]
    return values, missing


def form_data(request: HttpRequest, saved: list[SavedAddress]) -> tuple[QueryDict | None, str]:
    """The POSTed form with what the button asked for put in: the fields a pasted line or a
    saved address fills; and the action ("place", "parse", "saved" or "refresh")."""
    if request.method != "POST":
        return None, ""
    data = request.POST.copy()
    action = data.get("action", "place")
    if action == "parse":
        values, _missing = pasted_values(data.get("paste", ""))
        if values:
            # Set, not QueryDict.update, which would add to the values sent.
            for name, value in {**dict.fromkeys(ADDRESS_CODES, ""), **values}.items():
                data[name] = value
        data["delivery_method"] = "home"
    elif action == "saved":
        chosen = next((row for row in saved if str(row.pk) == data.get("saved_address")), None)
        if chosen is not None:
            for name, value in saved_values(chosen).items():
                data[name] = value
            data["delivery_method"] = "home"
    if action in ("parse", "saved", "refresh"):
        # Nothing is placed: the buyer looks at the filled form and the options first.
        data["action"] = action
    return data, action


@dataclass
class Delivery:
    """The delivery options for the county chosen, or why there are none."""

    options: list[ShippingOption] = field(default_factory=list)
    refusal: str = ""

    def chosen(self, value: str) -> ShippingOption | None:
        """The option the buyer picked, else the cheapest (the one checkout would take)."""
        for option in self.options:
            if f"{option.carrier}:{option.service}" == value:
                return option
        return self.options[0] if self.options else None

    def choices(self) -> Choices:
        return [(f"{o.carrier}:{o.service}", option_label(o)) for o in self.options]


def option_label(option: ShippingOption) -> str:
    """One delivery option as a radio's label: the service, the fee and the promised days."""
    days = (
        _("%(days)d days") % {"days": option.days_min}
        if option.days_min == option.days_max
        else _("%(low)d to %(high)d days") % {"low": option.days_min, "high": option.days_max}
    )
    fee = yuan(option.fee) if option.fee else _("Free")
    return _("%(carrier)s %(service)s · %(fee)s · %(days)s") % {
        "carrier": option.carrier_name,
        "service": option.service_name,
        "fee": fee,
        "days": days,
    }


def delivery_options(summary: CartSummary, county_code: str) -> Delivery:
    """The cart's delivery options to a county, priced as checkout will price them."""
    if not county_code or not summary.items:
        return Delivery()
    lines = [(item.variant_id, item.quantity) for item in summary.items if item.on_sale]
    seller_goods: dict[int, Decimal] = {}
    for shop in summary.shops:
        seller_goods[shop.seller_id] = shop.subtotal
    try:
        options = rate_quote(lines=lines, county_code=county_code, seller_goods=seller_goods)
    except (CannotShipFreshError, NoShippingError) as error:
        return Delivery(refusal=str(error.message))
    except XiangcunError as error:
        return Delivery(refusal=str(error.message))
    return Delivery(options=sorted(options, key=lambda o: (o.fee, o.days_max)))


def save_used_address(request: HttpRequest, address: dict[str, Any]) -> None:
    """Keep the address the order went to in the buyer's book, unless it is there already.
    A refusal changes nothing: the order is placed either way."""
    book = services.saved_addresses_for(user=request.user)
    same = ("county_code", "detail", "recipient", "phone")
    if any(all(getattr(row, name) == address.get(name) for name in same) for row in book):
        return
    try:
        services.saved_address_create(actor=request.user, data=address)
    except XiangcunError:
        return
