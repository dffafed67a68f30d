"""The filters every impact page reads from its query string, with the API's names:
`?from=YYYY-MM-DD&to=YYYY-MM-DD&township=<code>&village=<code>&category=<slug>`, all optional.

A filter that is wrong (a date backwards, a township that is not the county's) is shown above
the page, and the figures are then those of the whole county and period: never a 500, never a
blank page. Links built here (drill-down, period presets, downloads) keep the other filters."""

from dataclasses import dataclass, field
from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from xiangcun.catalog.selectors import categories_list
from xiangcun.core.errors import InvalidInputError, NotFoundError
from xiangcun.impact.selectors._common import preset_periods
from xiangcun.impact.selectors.scope import scope_parse
from xiangcun.impact.types import Scope
from xiangcun.regions.errors import CountyNotConfiguredError, TownshipNotFoundError
from xiangcun.regions.selectors import county_get_default, townships_list, villages_for_township

FILTER_KEYS = ("from", "to", "township", "village", "category")
# Longer than any date, division code or slug: what is cut off cannot be valid anyway.
_VALUE_MAX = 64


def english() -> bool:
    return (get_language() or "").startswith("en")


def place_name(name: str, name_en: str) -> str:
    """A place or category in the reader's language (Chinese when there is no English name)."""
    return name_en if english() and name_en else name


@dataclass(frozen=True)
class Choice:
    value: str
    label: str


@dataclass
class Filters:
    """What the page was asked for, and the scope the figures are for."""

    scope: Scope
    values: dict[str, str]
    error: str = ""
    townships: list[Choice] = field(default_factory=list)
    villages: list[Choice] = field(default_factory=list)
    categories: list[Choice] = field(default_factory=list)

    def url(self, **changes: str) -> str:
        """The query string of these filters with some changed ('' drops one), for links."""
        values = {**self.values, **changes}
        kept = {key: value for key, value in values.items() if value}
        return f"?{urlencode(kept)}" if kept else "?"

    @property
    def query(self) -> str:
        """The filters as a query string without the '?' (for download links)."""
        return self.url()[1:]

    @property
    def township_name(self) -> str:
        return next((c.label for c in self.townships if c.value == self.values["township"]), "")

    @property
    def village_name(self) -> str:
        return next((c.label for c in self.villages if c.value == self.values["village"]), "")

    @property
    def category_name(self) -> str:
        return next((c.label for c in self.categories if c.value == self.values["category"]), "")


def _values(request: HttpRequest, keys: tuple[str, ...]) -> dict[str, str]:
    values = dict.fromkeys(FILTER_KEYS, "")
    for key in keys:
        raw = request.GET.get(key, "")
        values[key] = raw.strip()[:_VALUE_MAX] if isinstance(raw, str) else ""
    return values


def filters_read(
    request: HttpRequest, *, keys: tuple[str, ...] = FILTER_KEYS, choices: bool = True
) -> Filters:
    """The page's filters and their scope; a refused filter becomes `error` and the scope of
    the filters that remain valid is not guessed at: the figures are the whole county's."""
    values = _values(request, keys)
    error = ""
    try:
        scope = scope_parse(
            date_from=values["from"],
            date_to=values["to"],
            township=values["township"],
            village=values["village"],
            category=values["category"],
        )
    except (InvalidInputError, NotFoundError) as refusal:
        error = str(refusal.message)
        scope = Scope()
        values = dict.fromkeys(FILTER_KEYS, "")
    else:
        # A village names its township: keep the two together in every link.
        values["township"] = scope.township_code
        values["village"] = scope.village_code
        values["category"] = scope.category_slug
    found = Filters(scope=scope, values=values, error=error)
    if choices:
        _choices_fill(found, with_categories="category" in keys)
    return found


def _choices_fill(found: Filters, *, with_categories: bool) -> None:
    found.townships = [Choice(t.code, place_name(t.name, t.name_en)) for t in townships_list()]
    if found.values["township"]:
        try:
            villages = villages_for_township(township_code=found.values["township"])
        except TownshipNotFoundError:
            villages = []
        found.villages = [Choice(v.code, place_name(v.name, v.name_en)) for v in villages]
    if with_categories:
        found.categories = [
            Choice(c.slug, place_name(c.name, c.name_en))
            for c in categories_list()
            if c.parent_id is None
        ]


_PRESET_LABELS = {
    "this_month": _("This month"),
    "last_month": _("Last month"),
    "this_year": _("This year"),
    "last_12_months": _("Last 12 months"),
    "since_start": _("Since the start"),
}


def period_presets(found: Filters) -> list[dict[str, Any]]:
    """Links to the periods people ask for most, keeping the place and product type."""
    presets = [
        (_PRESET_LABELS[code], first, last)
        for code, first, last in preset_periods(timezone.localdate())
    ]
    links = []
    for label, first, last in presets:
        first_text = first.isoformat() if first else ""
        last_text = last.isoformat() if last else ""
        links.append(
            {
                "label": label,
                "url": found.url(**{"from": first_text, "to": last_text}),
                "current": (found.values["from"], found.values["to"]) == (first_text, last_text),
            }
        )
    return links


def crumbs(found: Filters, county_name: str) -> list[dict[str, str]]:
    """County > township > village: each a link keeping the period and product type, the last
    (where the page is) without one."""
    trail = [{"label": county_name, "url": found.url(township="", village="")}]
    if found.values["township"]:
        trail.append({"label": found.township_name, "url": found.url(village="")})
    if found.values["village"]:
        trail.append({"label": found.village_name, "url": found.url()})
    trail[-1]["url"] = ""
    return trail


def county_name() -> str:
    """The county's name in the reader's language (the first crumb)."""
    try:
        county = county_get_default()
    except CountyNotConfiguredError:
        return str(_("The county"))
    return place_name(county.name, county.name_en)
