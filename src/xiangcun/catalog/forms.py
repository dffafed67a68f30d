"""Form fields of the storefront search and the seller console: parsing only, services judge.

Choices (categories, brands, villages) are passed in by the view, read through selectors.
"""

from decimal import Decimal
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from xiangcun.catalog.models import KEEPS_DAYS_MAX, SHIPPING_WEIGHT_MAX_G, SIDE_MAX_CM
from xiangcun.core.forms import choices_set

Choices = list[tuple[Any, Any]]

_DECIMAL = {"inputmode": "decimal", "autocomplete": "off"}
_NUMERIC = {"inputmode": "numeric", "pattern": "[0-9]*", "autocomplete": "off"}

SORT_CHOICES = [
    ("relevance", _("Best match")),
    ("new", _("Newest")),
    ("price", _("Price: low to high")),
    ("-price", _("Price: high to low")),
]
DIRECTION_CHOICES = [
    ("", _("All goods")),
    ("up", _("Farm goods and crafts from Danzhai")),
    ("down", _("Goods for the villages")),
]


def _count_field(label: Any, maximum: int, invalid: Any, help_text: Any = "") -> forms.IntegerField:
    return forms.IntegerField(
        label=label,
        required=False,
        min_value=1,
        max_value=maximum,
        help_text=help_text,
        widget=forms.TextInput(attrs=_NUMERIC),
        error_messages={"invalid": invalid},
    )


def _side_field(label: Any) -> forms.IntegerField:
    return _count_field(label, SIDE_MAX_CM, _("Enter a whole number of centimetres, like 20."))


def _price_field(label: Any) -> forms.DecimalField:
    return forms.DecimalField(
        label=label,
        required=False,
        min_value=Decimal("0"),
        max_digits=14,
        decimal_places=2,
        widget=forms.TextInput(attrs={**_DECIMAL, "size": "6"}),
        error_messages={"invalid": _("Enter an amount in yuan, like 12.50.")},
    )


class ListSelect(forms.Select):
    """A select for long lists without option groups (categories, brands, townships): rendered
    like Django's, several times faster (`catalog/widgets/select.html`)."""

    template_name = "catalog/widgets/select.html"


class SearchForm(forms.Form):
    """The storefront search: a plain GET form whose every value is optional."""

    q = forms.CharField(
        label=_("Search"),
        required=False,
        max_length=100,
        widget=forms.TextInput(
            attrs={
                "type": "search",
                "placeholder": _("Honey, fengmi, fm…"),
                "autocomplete": "off",
                "enterkeyhint": "search",
            }
        ),
    )
    category = forms.ChoiceField(label=_("Category"), required=False, widget=ListSelect)
    brand = forms.ChoiceField(label=_("Brand"), required=False, widget=ListSelect)
    township = forms.ChoiceField(label=_("Where it comes from"), required=False, widget=ListSelect)
    direction = forms.ChoiceField(
        label=_("Goods"), required=False, choices=DIRECTION_CHOICES, widget=ListSelect
    )
    certified = forms.BooleanField(label=_("Certified products only"), required=False)
    price_min = _price_field(_("Lowest price (¥)"))
    price_max = _price_field(_("Highest price (¥)"))
    sort = forms.ChoiceField(
        label=_("Sort by"), required=False, choices=SORT_CHOICES, widget=ListSelect
    )
    page = forms.IntegerField(required=False, min_value=1, widget=forms.HiddenInput)

    def __init__(
        self,
        data: Any = None,
        *,
        categories: Choices,
        brands: Choices,
        townships: Choices,
    ) -> None:
        super().__init__(data)
        choices_set(self, "category", [("", _("All categories")), *categories])
        choices_set(self, "brand", [("", _("All brands")), *brands])
        choices_set(self, "township", [("", _("All townships")), *townships])


class ProductForm(forms.Form):
    name = forms.CharField(
        label=_("Product name"),
        max_length=120,
        help_text=_("What buyers call it, for example 丹寨土蜂蜜."),
        error_messages={"required": _("Enter the product name.")},
    )
    name_en = forms.CharField(label=_("Name in English (optional)"), max_length=120, required=False)
    category = forms.TypedChoiceField(
        label=_("Category"),
        coerce=int,
        error_messages={"required": _("Choose a category.")},
    )
    brand = forms.TypedChoiceField(
        label=_("Brand (optional)"), coerce=int, required=False, empty_value=None
    )
    description = forms.CharField(
        label=_("Description"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("How it is grown or made, how it tastes, how to keep it."),
    )
    description_en = forms.CharField(
        label=_("Description in English (optional)"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    origin_village = forms.TypedChoiceField(
        label=_("Village it comes from"), coerce=int, required=False, empty_value=None
    )
    is_fresh = forms.BooleanField(label=_("Fresh food (spoils within weeks)"), required=False)
    needs_cold_chain = forms.BooleanField(label=_("Must be kept cold on the way"), required=False)
    shelf_life_days = forms.IntegerField(
        label=_("Keeps for how many days (optional)"),
        required=False,
        min_value=1,
        max_value=36500,
        widget=forms.TextInput(attrs=_NUMERIC),
        error_messages={"invalid": _("Enter a whole number of days, like 30.")},
    )
    keep_frozen = forms.BooleanField(
        label=_("Must stay frozen on the way (frozen food)"), required=False
    )
    keeps_days = _count_field(
        _("Must reach the buyer within how many days (optional)"),
        KEEPS_DAYS_MAX,
        _("Enter a whole number of days, like 30."),
        help_text=_("For fresh food: only carriers that arrive in time are offered."),
    )
    fragile = forms.BooleanField(
        label=_("Fragile (glass, pottery): packed in foam"), required=False
    )

    def __init__(
        self,
        data: Any = None,
        *,
        categories: Choices,
        brands: Choices,
        villages: Choices,
        initial: dict[str, Any] | None = None,
    ) -> None:
        super().__init__(data, initial=initial)
        choices_set(self, "category", [("", _("Choose a category")), *categories])
        choices_set(self, "brand", [("", _("No brand")), *brands])
        choices_set(self, "origin_village", [("", _("Not from a village here")), *villages])

    def service_fields(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "name": data["name"],
            "name_en": data["name_en"],
            "category_id": data["category"],
            "brand_id": data["brand"],
            "description": data["description"],
            "description_en": data["description_en"],
            "origin_village_id": data["origin_village"],
            "is_fresh": data["is_fresh"],
            "needs_cold_chain": data["needs_cold_chain"],
            "shelf_life_days": data["shelf_life_days"],
            "keep_frozen": data["keep_frozen"],
            "keeps_days": data["keeps_days"],
            "fragile": data["fragile"],
        }


class VariantForm(forms.Form):
    name = forms.CharField(
        label=_("Option name"),
        max_length=60,
        help_text=_("The size or pack, for example a 500 g bag or a box of two bottles."),
        error_messages={"required": _("Enter a name for this option.")},
    )
    unit = forms.ChoiceField(
        label=_("Sold by the"), error_messages={"required": _("Choose how it is sold.")}
    )
    price = forms.DecimalField(
        label=_("Price in yuan (¥)"),
        max_digits=14,
        decimal_places=2,
        widget=forms.TextInput(attrs=_DECIMAL),
        error_messages={
            "required": _("Enter the price in yuan, like 12.50."),
            "invalid": _("Enter the price in yuan, like 12.50."),
            "max_decimal_places": _("Use at most two places after the point, like 12.50."),
            "max_digits": _("This price is too large."),
            "max_whole_digits": _("This price is too large."),
        },
    )
    sku = forms.CharField(
        label=_("Your code for it (SKU, optional)"),
        max_length=40,
        required=False,
        help_text=_(
            "Leave it empty and we make one. Or type a short code you use to tell your goods "
            "apart, for example HONEY-500."
        ),
    )
    net_weight_g = forms.IntegerField(
        label=_("Net weight in grams (optional)"),
        required=False,
        min_value=1,
        widget=forms.TextInput(attrs=_NUMERIC),
        error_messages={"invalid": _("Enter a whole number of grams, like 500.")},
    )
    gtin = forms.CharField(
        label=_("Barcode number (optional)"),
        max_length=14,
        required=False,
        widget=forms.TextInput(attrs=_NUMERIC),
    )
    name_en = forms.CharField(label=_("Name in English (optional)"), max_length=60, required=False)
    shipping_weight_g = _count_field(
        _("Weight packed for sending, in grams (optional)"),
        SHIPPING_WEIGHT_MAX_G,
        _("Enter a whole number of grams, like 500."),
        help_text=_("With its box or jar; without it the net weight is used."),
    )
    length_cm = _side_field(_("Packed length in cm (optional)"))
    width_cm = _side_field(_("Packed width in cm (optional)"))
    height_cm = _side_field(_("Packed height in cm (optional)"))

    def __init__(self, data: Any = None, *, units: Choices, initial: Any = None) -> None:
        super().__init__(data, initial=initial)
        choices_set(self, "unit", [("", _("Choose")), *units])

    def service_fields(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "name": data["name"],
            "unit": data["unit"],
            "price": data["price"],
            "sku": data["sku"],
            "net_weight_g": data["net_weight_g"],
            "gtin": data["gtin"],
            "name_en": data["name_en"],
            "shipping_weight_g": data["shipping_weight_g"],
            "length_cm": data["length_cm"],
            "width_cm": data["width_cm"],
            "height_cm": data["height_cm"],
        }


class PhotoForm(forms.Form):
    # A FileField, not an ImageField: the catalog service checks and resizes the image, so it
    # is opened once, and its plain-words error is the one shown.
    image = forms.FileField(
        label=_("Photo"),
        help_text=_("A JPEG, PNG or WebP photo from your phone, at most 8 MB."),
        widget=forms.ClearableFileInput(attrs={"accept": "image/jpeg,image/png,image/webp"}),
        error_messages={"required": _("Choose a photo to upload.")},
    )
    alt = forms.CharField(
        label=_("What the photo shows (optional)"),
        max_length=120,
        required=False,
        help_text=_("Read aloud to buyers who cannot see it."),
    )


class ReviewForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Decision"),
        widget=forms.RadioSelect,
        choices=[("approve", _("List it for sale")), ("reject", _("Send it back to the seller"))],
        error_messages={"required": _("Choose whether to list it or send it back.")},
    )
    note = forms.CharField(
        label=_("Note to the seller"),
        max_length=200,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Needed when you send it back: say what to put right."),
    )


_DATE = {"type": "date"}


class CertificateForm(forms.Form):
    """A shop sends in a certificate for some of its products (staff check it)."""

    kind = forms.ChoiceField(label=_("Kind of certificate"))
    certificate_number = forms.CharField(label=_("Certificate number"), max_length=60)
    issuer = forms.CharField(label=_("Issued by"), max_length=120)
    valid_from = forms.DateField(
        label=_("Valid from"), widget=forms.DateInput(attrs=_DATE, format="%Y-%m-%d")
    )
    valid_until = forms.DateField(
        label=_("Valid until"),
        required=False,
        widget=forms.DateInput(attrs=_DATE, format="%Y-%m-%d"),
        help_text=_("Leave empty if it does not end."),
    )
    product_ids = forms.TypedMultipleChoiceField(
        label=_("Products it names"),
        coerce=int,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Tick only the products written on the certificate."),
        error_messages={"required": _("Tick at least one product.")},
    )

    def __init__(self, *args: Any, kinds: Choices, products: Choices, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = kinds  # type: ignore[attr-defined]
        self.fields["product_ids"].choices = products  # type: ignore[attr-defined]


class CertificateReviewForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Decision"),
        widget=forms.RadioSelect,
        choices=[
            ("approve", _("It is genuine and names these products")),
            ("reject", _("Do not accept it")),
        ],
        error_messages={"required": _("Choose whether to accept it.")},
    )
    note = forms.CharField(
        label=_("Note to the shop"),
        max_length=200,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Needed when you do not accept it: say what is wrong."),
    )
