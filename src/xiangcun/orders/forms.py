"""Form fields of the cart, checkout, returns and the staff pages: parsing only, services judge.

Choices that come from other apps (stations, townships, villages) are passed in by the view,
read through their selectors.
"""

from typing import Any

from django import forms
from django.urls import reverse_lazy
from django.utils.translation import gettext_lazy as _

from xiangcun.core.errors import InvalidInputError
from xiangcun.core.forms import choices_set
from xiangcun.core.validators import mobile_normalize
from xiangcun.orders.models import Order, ReturnRequest

Choices = list[tuple[Any, Any]]

_NUMERIC = {"inputmode": "numeric", "pattern": "[0-9]*", "autocomplete": "off"}
# Any sane number parses; the cart service says when it is more than can be ordered.
_MAX_PARSED = 10**6


class AddToCartForm(forms.Form):
    """How many is parsed here; whether that many can be ordered is the cart service's word
    (the same sentence on the product page, the cart and the API)."""

    variant = forms.IntegerField(min_value=1)
    quantity = forms.IntegerField(
        label=_("How many"),
        min_value=1,
        max_value=_MAX_PARSED,
        initial=1,
        widget=forms.NumberInput(attrs=_NUMERIC),
        error_messages={"invalid": _("Enter a number, like 2.")},
    )


class CartQuantityForm(forms.Form):
    """0 takes the line out of the cart."""

    quantity = forms.IntegerField(
        label=_("How many"),
        min_value=0,
        max_value=_MAX_PARSED,
        widget=forms.NumberInput(attrs=_NUMERIC),
        error_messages={"invalid": _("Enter a number, like 2.")},
    )


class CheckoutForm(forms.Form):
    """Where the order goes, who takes it, and how it is paid.

    The address fields are required only for home delivery and the station only for pickup
    at a village station; `clean` says which one is missing, next to that field.
    """

    delivery_method = forms.ChoiceField(
        label=_("How do you want to get your order?"),
        choices=Order.Delivery.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose how you want to get your order.")},
    )
    station = forms.TypedChoiceField(
        label=_("Village station"), coerce=int, required=False, empty_value=None
    )
    # The county we deliver in, filled in and shown as text: nobody should have to type it.
    province = forms.CharField(
        label=_("Province"), max_length=32, required=False, widget=forms.HiddenInput
    )
    city = forms.CharField(
        label=_("Prefecture"), max_length=64, required=False, widget=forms.HiddenInput
    )
    county = forms.CharField(
        label=_("County"), max_length=64, required=False, widget=forms.HiddenInput
    )
    # Anywhere in mainland China: a saved address, a pasted line, or the three divisions
    # chosen in turn (each choice narrows the next: without JavaScript by a round trip).
    saved_address = forms.TypedChoiceField(
        label=_("Use a saved address"), coerce=int, required=False, empty_value=None
    )
    paste = forms.CharField(
        label=_("Paste an address"),
        help_text=_(
            "Paste a whole address with the name and phone, as sent in a chat, and we fill "
            "in the fields."
        ),
        max_length=300,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2, "autocomplete": "off"}),
    )
    province_code = forms.ChoiceField(label=_("Province"), required=False)
    prefecture_code = forms.ChoiceField(label=_("City or prefecture"), required=False)
    county_code = forms.ChoiceField(label=_("District or county"), required=False)
    street = forms.CharField(
        label=_("Town or street (you may leave this empty)"),
        max_length=64,
        required=False,
    )
    service = forms.ChoiceField(
        label=_("Delivery service"), required=False, widget=forms.RadioSelect
    )
    save_address = forms.BooleanField(
        label=_("Save this address in my address book"), required=False
    )
    township = forms.TypedChoiceField(
        label=_("Town or township"), coerce=int, required=False, empty_value=None
    )
    village = forms.TypedChoiceField(
        label=_("Village"), coerce=int, required=False, empty_value=None
    )
    detail = forms.CharField(
        label=_("House and street"),
        help_text=_("Group, house number or the name of the house, so the courier finds it."),
        max_length=120,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "street-address"}),
    )
    # Filled by the "Use my current location" button (orders/locate.js) from the phone's
    # location; empty without JavaScript, and the driver goes to the village. Passed on as
    # sent, with no limits here (an error on a hidden field would show nowhere): the orders
    # service judges the numbers, and its error shows above the form.
    latitude = forms.CharField(label=_("Latitude"), required=False, widget=forms.HiddenInput)
    longitude = forms.CharField(label=_("Longitude"), required=False, widget=forms.HiddenInput)
    recipient = forms.CharField(
        label=_("Name of the person who receives it"),
        max_length=64,
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
        error_messages={"required": _("Enter the name of the person who receives the order.")},
    )
    phone = forms.CharField(
        label=_("Their mobile number"),
        help_text=_("We text the pickup code and delivery news to this number."),
        max_length=20,
        widget=forms.TextInput(attrs={"inputmode": "tel", "type": "tel", "autocomplete": "tel"}),
        error_messages={"required": _("Enter a mobile number: 11 digits starting with 1.")},
    )
    payment_method = forms.ChoiceField(
        label=_("How will you pay?"),
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose how you will pay.")},
    )
    # Made when the page is drawn: pressing the button twice, or again after the network
    # dropped, sends the same key and the service answers with the same order.
    idempotency_key = forms.CharField(max_length=64, widget=forms.HiddenInput)

    def __init__(
        self,
        data: Any = None,
        *,
        stations: Choices,
        townships: Choices,
        villages: Choices,
        payment_methods: Choices,
        village_townships: dict[int, int],
        initial: dict[str, Any] | None = None,
        divisions: tuple[Choices, Choices, Choices] = ([], [], []),
        services: Choices | None = None,
        saved_addresses: Choices | None = None,
        local_county_code: str = "",
    ) -> None:
        super().__init__(data, initial=initial)
        self.village_townships = village_townships
        self.local_county_code = local_county_code
        provinces, prefectures, counties = divisions
        choices_set(self, "province_code", [("", _("Choose a province")), *provinces])
        choices_set(self, "prefecture_code", [("", _("Choose a city")), *prefectures])
        choices_set(self, "county_code", [("", _("Choose a district")), *counties])
        choices_set(self, "service", services or [])
        # With JavaScript, a new choice sends the form at once (htmx) and the page redraws the
        # choices below it; without, the "Show delivery options" button does the same.
        refresh = {
            "hx-post": str(reverse_lazy("cart:checkout")),
            "hx-trigger": "change",
            "hx-vals": '{"action": "refresh"}',
        }
        for name in ("province_code", "prefecture_code", "county_code", "service"):
            self.fields[name].widget.attrs.update(refresh)
        self.fields["saved_address"].widget.attrs.update(
            {**refresh, "hx-vals": '{"action": "saved"}'}
        )
        choices_set(
            self, "saved_address", [("", _("Type a new address")), *(saved_addresses or [])]
        )
        choices_set(self, "station", [("", _("Choose a station")), *stations])
        choices_set(self, "township", [("", _("Choose a town")), *townships])
        # Choosing the town redraws the form (htmx, or the "Show its villages" button without
        # JavaScript) with only that town's villages; none chosen yet: every village, by town.
        self.fields["township"].widget.attrs.update(refresh)
        township = self.chosen("township")
        if township.isdigit():
            villages = [
                (village_id, name)
                for _town, rows in villages
                for village_id, name in rows
                if village_townships.get(village_id) == int(township)
            ]
        choices_set(self, "village", [("", _("Choose a village")), *villages])
        choices_set(self, "payment_method", payment_methods)

    def chosen(self, name: str) -> str:
        """A field's value as sent (before validation), to draw the next choices from."""
        value = self.data.get(self.add_prefix(name)) if self.is_bound else self.initial.get(name)
        return str(value or "")

    def is_nationwide(self) -> bool:
        """Whether the home address is outside the county (a division chosen, not ours):
        then a carrier takes it, and the township and village are not asked for."""
        local = self.local_county_code
        county, prefecture = self.chosen("county_code"), self.chosen("prefecture_code")
        province = self.chosen("province_code")
        if county:
            return county != local
        if prefecture:
            return prefecture != local[:4] + "00"
        return bool(province) and province != local[:2] + "0000"

    def clean_phone(self) -> str:
        try:
            return mobile_normalize(self.cleaned_data["phone"])
        except InvalidInputError as error:
            raise forms.ValidationError(str(error.message)) from None

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        method = data.get("delivery_method")
        if method == Order.Delivery.STATION_PICKUP and not data.get("station"):
            self.add_error("station", _("Choose the station where you will collect the order."))
        if method == Order.Delivery.HOME and self.is_nationwide():
            if not data.get("county_code") and "county_code" not in self.errors:
                self.add_error("county_code", _("Choose the district or county."))
            if not data.get("detail") and "detail" not in self.errors:
                self.add_error("detail", _("Enter the house and street, so the courier finds you."))
        elif method == Order.Delivery.HOME:
            for name, message in (
                ("township", _("Choose your town or township.")),
                ("detail", _("Enter the house and street, so the courier finds you.")),
            ):
                if not data.get(name) and name not in self.errors:
                    self.add_error(name, message)
            village = data.get("village")
            township = data.get("township")
            if village and township and self.village_townships.get(village) != township:
                self.add_error("village", _("This village is not in the town you chose."))
        return data


class CancelForm(forms.Form):
    reason = forms.CharField(
        label=_("Why? (you may leave this empty)"), max_length=200, required=False
    )


class ReturnForm(forms.Form):
    """One quantity box per order line (`line_<id>`), a reason and optional details."""

    reason = forms.ChoiceField(
        label=_("What is wrong?"),
        # "Not delivered" is the platform's own reason, never the buyer's choice.
        choices=[
            choice
            for choice in ReturnRequest.Reason.choices
            if choice[0] != ReturnRequest.Reason.UNDELIVERED
        ],
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose what is wrong.")},
    )
    detail = forms.CharField(
        label=_("Tell us more (you may leave this empty)"),
        max_length=300,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, data: Any = None, *, lines: list[Any]) -> None:
        super().__init__(data)
        self.lines = lines
        for line in lines:
            left = line.quantity - line.returned_quantity
            self.fields[f"line_{line.pk}"] = forms.TypedChoiceField(
                label=_("%(name)s: how many to send back")
                % {"name": f"{line.product_name} {line.variant_name}"},
                choices=[(number, str(number)) for number in range(left + 1)],
                coerce=int,
                initial=0,
                required=False,
                empty_value=None,
            )

    def line_fields(self) -> list[tuple[Any, forms.BoundField]]:
        return [(line, self[f"line_{line.pk}"]) for line in self.lines]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not any(data.get(f"line_{line.pk}") for line in self.lines):
            raise forms.ValidationError(_("Choose how many of which goods you send back."))
        return data

    def chosen_lines(self) -> list[tuple[int, int]]:
        return [
            (line.pk, self.cleaned_data[f"line_{line.pk}"])
            for line in self.lines
            if self.cleaned_data.get(f"line_{line.pk}")
        ]


class CashConfirmForm(forms.Form):
    station = forms.TypedChoiceField(
        label=_("Where was the cash taken?"),
        coerce=int,
        error_messages={"required": _("Choose the station that holds the cash now.")},
    )

    def __init__(self, data: Any = None, *, stations: Choices, initial: Any = None) -> None:
        super().__init__(data, initial=initial)
        choices_set(self, "station", [("", _("Choose a station")), *stations])


class OrderNumberForm(forms.Form):
    number = forms.CharField(
        label=_("Order number"),
        max_length=24,
        widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "characters"}),
        error_messages={"required": _("Enter the order number from the buyer's order page.")},
    )


class SavedAddressForm(forms.Form):
    """An address of the buyer's book: the three divisions chosen in turn (each choice narrows
    the next), then the street, house, who receives and their phone. Regions checks it when
    it is saved."""

    province_code = forms.ChoiceField(label=_("Province"), required=False)
    prefecture_code = forms.ChoiceField(label=_("City or prefecture"), required=False)
    county_code = forms.ChoiceField(
        label=_("District or county"),
        error_messages={"required": _("Choose the district or county.")},
    )
    street = forms.CharField(
        label=_("Town or street (you may leave this empty)"), max_length=64, required=False
    )
    detail = forms.CharField(
        label=_("House and street"),
        max_length=200,
        widget=forms.TextInput(attrs={"autocomplete": "street-address"}),
        error_messages={"required": _("Enter the house and street, so the courier finds you.")},
    )
    recipient = forms.CharField(
        label=_("Name of the person who receives it"),
        max_length=64,
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
        error_messages={"required": _("Enter the name of the person who receives the order.")},
    )
    phone = forms.CharField(
        label=_("Their mobile number"),
        max_length=20,
        widget=forms.TextInput(attrs={"inputmode": "tel", "type": "tel", "autocomplete": "tel"}),
        error_messages={"required": _("Enter a mobile number: 11 digits starting with 1.")},
    )
    is_default = forms.BooleanField(label=_("Use it first at checkout"), required=False)

    def __init__(
        self,
        data: Any = None,
        *,
        divisions: tuple[Choices, Choices, Choices],
        initial: dict[str, Any] | None = None,
        refresh_url: str = "",
    ) -> None:
        super().__init__(data, initial=initial)
        provinces, prefectures, counties = divisions
        choices_set(self, "province_code", [("", _("Choose a province")), *provinces])
        choices_set(self, "prefecture_code", [("", _("Choose a city")), *prefectures])
        choices_set(self, "county_code", [("", _("Choose a district")), *counties])
        for name in ("province_code", "prefecture_code"):
            self.fields[name].widget.attrs.update(
                {"hx-post": refresh_url, "hx-trigger": "change", "hx-vals": '{"action": "refresh"}'}
            )

    def address_data(self) -> dict[str, Any]:
        return {
            name: self.cleaned_data[name]
            for name in ("county_code", "street", "detail", "recipient", "phone")
        }
