"""The province → city → district selects as a form piece other apps' forms reuse.

`DivisionSelectsMixin` adds three choice fields (`province_code`, `prefecture_code`,
`county_code`) narrowed from what was chosen, and checks the three together. The page renders
them with `regions/_division_selects.html`; without JavaScript the buyer picks a province and
presses "Next" (a plain round trip re-renders the form with its cities), with htmx each select
narrows the next in place from `regions:division_options`.
"""

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from django import forms
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from xiangcun.core.errors import XiangcunError
from xiangcun.regions.selectors import division_children, division_path
from xiangcun.regions.types import DivisionOut

DIVISION_FIELDS = ("province_code", "prefecture_code", "county_code")


def division_label(division: DivisionOut) -> str:
    """A division's name in the reader's language: its English name (pinyin and the kind of
    division, "Tianhe District") on English pages, the official Chinese name otherwise."""
    if (get_language() or "").startswith("en") and division.name_en:
        return division.name_en
    return division.name


def division_choices(divisions: list[DivisionOut]) -> list[tuple[str, str]]:
    return [(division.code, division_label(division)) for division in divisions]


@dataclass
class DivisionSelects:
    """The three selects' options narrowed by what was chosen, and the codes still chosen (a
    code that no longer fits the one above it is cleared: a new province clears the city)."""

    provinces: list[DivisionOut] = field(default_factory=list)
    prefectures: list[DivisionOut] = field(default_factory=list)
    counties: list[DivisionOut] = field(default_factory=list)
    province_code: str = ""
    prefecture_code: str = ""
    county_code: str = ""

    @property
    def complete(self) -> bool:
        return bool(self.county_code)


def _chosen(values: Mapping[str, Any], name: str) -> str:
    value = values.get(name, "")
    return value[:6] if isinstance(value, str) else ""


def division_selects(values: Mapping[str, Any]) -> DivisionSelects:
    """Narrow the selects from chosen codes (a form's data or initial values)."""
    selects = DivisionSelects(provinces=division_children(None))
    chosen = {name: _chosen(values, name) for name in DIVISION_FIELDS}
    if chosen["province_code"] not in {p.code for p in selects.provinces}:
        return selects
    selects.province_code = chosen["province_code"]
    selects.prefectures = division_children(selects.province_code)
    prefecture = next((p for p in selects.prefectures if p.code == chosen["prefecture_code"]), None)
    if prefecture is None:
        return selects
    selects.prefecture_code = prefecture.code
    # A city without districts (东莞市) is its own county.
    selects.counties = (
        division_children(prefecture.code) if prefecture.has_children else [prefecture]
    )
    if chosen["county_code"] in {c.code for c in selects.counties}:
        selects.county_code = chosen["county_code"]
    return selects


class DivisionSelectsMixin(forms.Form):
    """Three selects for a form: `class AddressForm(DivisionSelectsMixin, forms.Form)`.

    After `is_valid()`, `cleaned_data["county_code"]` is a county (or a city without
    districts) lying in the chosen city and province; `self.division_selects` holds the
    narrowed options for the template."""

    province_code = forms.ChoiceField(label=_("Province"), required=True)
    prefecture_code = forms.ChoiceField(label=_("City"), required=True)
    county_code = forms.ChoiceField(label=_("District or county"), required=True)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        values = self.data if self.is_bound else {**self.initial}
        self.division_selects = division_selects(values)
        blank: list[tuple[str, Any]] = [("", _("Choose…"))]
        selects = self.division_selects
        for name, options in (
            ("province_code", selects.provinces),
            ("prefecture_code", selects.prefectures),
            ("county_code", selects.counties),
        ):
            choice_field = self.fields[name]
            assert isinstance(choice_field, forms.ChoiceField)  # noqa: S101 - declared above
            choice_field.choices = blank + division_choices(options)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        county_code = cleaned.get("county_code")
        if not county_code:
            return cleaned
        try:
            path = division_path(county_code)
        except XiangcunError as error:
            self.add_error("county_code", str(error.message))
            return cleaned
        if cleaned.get("province_code") != path.province.code:
            self.add_error("province_code", _("This district is not in the chosen province."))
        elif cleaned.get("prefecture_code") != path.prefecture.code:
            self.add_error("prefecture_code", _("This district is not in the chosen city."))
        return cleaned


class DivisionSelectsForm(DivisionSelectsMixin, forms.Form):
    """The selects alone, as the divisions page uses them."""
