"""The cascading selects: the no-JavaScript round trip, and the <option>s fragment for htmx."""

import re

import pytest
from django.urls import reverse

from xiangcun.regions.forms import DivisionSelectsForm


def _options(html: str, name: str) -> list[str]:
    select = re.search(rf'<select name="{name}".*?</select>', html, re.S)
    assert select is not None
    return re.findall(r'<option value="(\d*)"', select.group(0))


def _selected(html: str, name: str) -> str:
    select = re.search(rf'<select name="{name}".*?</select>', html, re.S)
    assert select is not None
    chosen = re.search(r'<option value="(\d+)" selected>', select.group(0))
    return chosen.group(1) if chosen else ""


def test_the_page_starts_with_provinces_and_empty_cities(client, db):
    html = client.get(reverse("regions:divisions")).content.decode()

    assert len(_options(html, "province_code")) == 32  # "Choose…" and 31 provinces
    assert _options(html, "prefecture_code") == [""]
    assert _options(html, "county_code") == [""]
    assert "<noscript>" in html


def test_without_javascript_next_narrows_one_select_at_a_time(client, db):
    url = reverse("regions:divisions")

    step1 = client.get(url, {"province_code": "440000", "division_step": "next"}).content.decode()
    assert _selected(step1, "province_code") == "440000"
    assert "440100" in _options(step1, "prefecture_code")
    assert _options(step1, "county_code") == [""]
    assert "field-error" not in step1

    step2 = client.get(
        url, {"province_code": "440000", "prefecture_code": "440100", "division_step": "next"}
    ).content.decode()
    assert "440106" in _options(step2, "county_code")

    done = client.get(
        url, {"province_code": "440000", "prefecture_code": "440100", "county_code": "440106"}
    ).content.decode()
    assert "广东省 · 广州市 · 天河区 (440106)" in done


def test_a_new_province_clears_the_city_chosen_before(client, db):
    html = client.get(
        reverse("regions:divisions"),
        {"province_code": "520000", "prefecture_code": "440100", "division_step": "next"},
    ).content.decode()

    assert _selected(html, "prefecture_code") == ""
    assert "522600" in _options(html, "prefecture_code")


def test_english_pages_show_english_names(client, db):
    client.cookies["django_language"] = "en"
    html = client.get(
        reverse("regions:divisions"), {"province_code": "440000", "division_step": "next"}
    ).content.decode()

    assert ">Guangzhou<" in html
    assert "广州" not in html


def test_the_options_fragment_lists_a_provinces_cities(client, db):
    response = client.get(reverse("regions:division_options"), {"province_code": "440000"})

    html = response.content.decode()
    assert response.status_code == 200
    assert '<option value="440100">广州市</option>' in html
    assert 'hx-swap-oob="innerHTML"' in html  # the district select is emptied too


def test_the_options_fragment_by_parent(client, db):
    html = client.get(reverse("regions:division_options"), {"parent": "440100"}).content.decode()

    assert '<option value="440106">天河区</option>' in html
    assert "hx-swap-oob" not in html


def test_a_city_without_districts_is_offered_as_its_own_district(client, db):
    html = client.get(
        reverse("regions:division_options"), {"prefecture_code": "441900"}
    ).content.decode()

    assert '<option value="441900">东莞市</option>' in html


@pytest.mark.parametrize("parent", ["999999", "x", "\u4e2d" * 50])
def test_an_unknown_parent_gives_only_the_blank_option(client, db, parent):
    response = client.get(reverse("regions:division_options"), {"parent": parent})

    assert response.status_code == 400
    assert re.findall(r"<option", response.content.decode()) == ["<option"]


def test_the_form_refuses_a_district_outside_the_chosen_city(db):
    form = DivisionSelectsForm(
        {"province_code": "440000", "prefecture_code": "440300", "county_code": "440106"}
    )

    assert not form.is_valid()
    assert "county_code" in form.errors  # 440106 is not among Shenzhen's districts


def test_the_form_accepts_three_codes_that_fit(db):
    form = DivisionSelectsForm(
        {"province_code": "440000", "prefecture_code": "440100", "county_code": "440106"}
    )

    assert form.is_valid()
    assert form.cleaned_data["county_code"] == "440106"


def test_the_back_office_lists_divisions_and_cannot_change_them(client, db):
    from tests.accounts.factories import UserFactory

    client.force_login(UserFactory(admin=True))

    listing = client.get("/admin/regions/division/", {"q": "天河"})
    change = client.get("/admin/regions/division/440106/change/")

    assert listing.status_code == 200
    assert "440106" in listing.content.decode()
    assert change.status_code == 200
    assert client.get("/admin/regions/division/add/").status_code == 403
