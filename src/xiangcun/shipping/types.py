"""What other apps read from shipping: a quoted option, the kinds of carriers and free-shipping
rules, and the packing instruction codes."""

from dataclasses import dataclass
from decimal import Decimal

from django.db import models
from django.utils.translation import gettext_lazy as _


class CarrierKind(models.TextChoices):
    AGGREGATOR = "aggregator", _("Through the aggregator (Kuaidi100)")
    MANUAL = "manual", _("Manual (staff type the tracking number)")


class FreeShippingKind(models.TextChoices):
    SELLER = "seller", _("A shop's goods over a threshold")
    PROMOTION = "promotion", _("A promotion")


class FreshReason(models.TextChoices):
    """Why an order's goods cannot ship to a place (`CannotShipFreshError.details["reason"]`)."""

    COLD_CHAIN = "cold_chain", _("needs the cold chain")
    FROZEN = "frozen", _("must stay frozen")
    TOO_SLOW = "too_slow", _("would not arrive in time")
    NOT_TOGETHER = "not_together", _("no one service can carry them together")


class PackingCode(models.TextChoices):
    """What the packer does for an order's goods (`selectors.packing_instructions`)."""

    KEEP_FROZEN = "keep_frozen", _("Keep frozen: pack straight from the freezer with dry ice")
    ICE_PACKS = "ice_packs", _("Add frozen ice packs around the goods")
    FOAM_BOX = "foam_box", _("Pack in an insulated foam box")
    FOAM_WRAP = "foam_wrap", _("Wrap each item in foam or bubble wrap")
    THIS_SIDE_UP = "this_side_up", _("Mark the box “This side up” and “Fragile”")
    SHIP_TODAY = "ship_today", _("Perishable: hand to the carrier today")


@dataclass(frozen=True)
class ShippingOption:
    """One way to send an order's goods to a place, priced.

    `fee` is what the buyer pays (after free shipping), `cost` what the carrier charges us;
    both CNY with two places. Orders keep `carrier` and `service` (codes) and re-price the
    choice with `selectors.option_get` when the order is placed.
    """

    carrier: str
    carrier_name: str
    service: str
    service_name: str
    fee: Decimal
    cost: Decimal
    days_min: int
    days_max: int
    cold_chain: bool
    # Details the checkout page and the console may show (the fee before free shipping).
    chargeable_weight_g: int = 0
    full_fee: Decimal = Decimal("0.00")
    free_shipping: bool = False
    surcharge: Decimal = Decimal("0.00")
