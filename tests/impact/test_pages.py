"""The impact pages through the Django test client: the dashboard (headline figures against the
targets, charts with their tables, drill-down, filters), the household lists, the public
summary; in Chinese and English; who may open which; no filter makes a 500; no ID number and no
inline script on any of them."""

import datetime
import json
import re
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from tests.accounts.factories import user_with_role
from tests.impact.export_world import fact_world
from tests.impact.factories import (
    reach,
)
from tests.regions.factories import CountyFactory
from xiangcun import impact as impact_app
from xiangcun.accounts.models import Household, ResidentProfile
from xiangcun.accounts.types import Role

pytestmark = pytest.mark.django_db

EN = {"HTTP_ACCEPT_LANGUAGE": "en"}
ZH = {"HTTP_ACCEPT_LANGUAGE": "zh-hans"}
MARCH = "?from=2026-03-01&to=2026-03-31"
STATIC = Path(impact_app.__file__).parent / "static" / "impact"


def world() -> SimpleNamespace:
    """Two townships, three villages, three registered poor households (one reached), four
    residents reached (one two ways), sales both ways, two hires, a payout."""
    w = fact_world(heads=("王大福", "杨二妹", "李三宝"), february_local_sale=False)
    w.reached, w.quiet, w.quiet_too = w.households
    # A member of a quiet household registered with an ID card: the lists never show it.
    w.member = ResidentProfile.objects.create(
        name="杨二妹",
        village=w.v2,
        household=w.quiet,
        id_number_hash="x" * 64,
        id_number_masked="5226**********0023",
    )
    return w


@pytest.fixture
def w() -> SimpleNamespace:
    return world()


@pytest.fixture
def manager(client: Client) -> Client:
    client.force_login(user_with_role(Role.PROGRAMME_MANAGER))
    return client


def charts(html: str) -> dict[str, Any]:
    """The chart data the page hands to charts.js (json_script)."""
    found = re.search(
        r'<script id="impact-charts" type="application/json">(.*?)</script>', html, re.S
    )
    assert found is not None
    data: dict[str, Any] = json.loads(found.group(1))
    return data


def figure(html: str, name: str) -> str:
    found = re.search(rf'data-figure="{name}">(.*?)</dd>', html, re.S)
    assert found is not None, name
    return re.sub(r"<[^>]+>", " ", found.group(1)).strip()


def table(html: str, testid: str) -> list[list[str]]:
    """A table's body rows as text cells."""
    found = re.search(rf'data-testid="{testid}">(.*?)</table>', html, re.S)
    assert found is not None, testid
    body = re.search(r"<tbody>(.*?)</tbody>", found.group(1), re.S)
    assert body is not None
    rows = re.findall(r"<tr[^>]*>(.*?)</tr>", body.group(1), re.S)
    return [
        [
            re.sub(r"<[^>]+>", "", cell).strip()
            for cell in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row, re.S)
        ]
        for row in rows
    ]


def no_inline_script(html: str) -> None:
    """Every script is a file of ours or JSON data (the CSP allows no inline script)."""
    for tag in re.findall(r"<script\b[^>]*>", html):
        assert 'type="application/json"' in tag or re.search(r'src="/static/', tag), tag


# --- the dashboard ----------------------------------------------------------------------------


def test_the_dashboard_shows_the_headline_figures_against_the_targets(
    w: Any, manager: Client
) -> None:
    response = manager.get(reverse("impact:dashboard") + MARCH, **EN)
    assert response.status_code == 200
    html = response.content.decode()
    # Four residents since the start (one in February), three in March; two employed.
    assert re.search(r'max="30000" value="4"', html)
    assert re.search(r'max="2000" value="2"', html)
    assert "/ 30,000" in html
    assert "/ 2,000" in html
    assert figure(html, "residents_reached") == "3"
    assert figure(html, "poor_households_reached") == "1 of 3"
    assert figure(html, "jobs_filled") == "2"
    assert figure(html, "upward_sales").startswith("¥1,234.50")
    assert figure(html, "downward_sales").startswith("¥88.10")
    # Resident 1 sold and bought: in both rows, once in the total.
    assert table(html, "table-ways")[:3] == [["Sold", "1"], ["Bought", "2"], ["Hired", "1"]]
    assert re.search(r"each once\)</th><td class=\"num\">3</td>", html)
    assert table(html, "table-roles") == [["Packaging worker", "2"]]


def test_every_chart_has_its_numbers_in_a_table_and_its_data_for_echarts(
    w: Any, manager: Client
) -> None:
    html = manager.get(reverse("impact:dashboard") + MARCH, **EN).content.decode()
    data = charts(html)
    assert set(data) == {"ways", "areas", "reach", "sales", "people", "money"}
    for key in data:
        assert f'data-chart="{key}"' in html
    assert data["ways"]["series"][0]["values"] == [1, 2, 1, 0, 0]
    assert data["areas"] == {
        "kind": "hbar",
        "money": False,
        "labels": ["Longquan", "Xingren"],
        "series": [{"name": "Residents reached", "values": [2, 1]}],
    }
    # A month is drawn by day: 31 points, money as exact strings.
    sales = data["sales"]
    assert len(sales["labels"]) == 31
    assert sales["series"][0]["values"][4] == "1234.50"
    rows = table(html, "table-sales")
    assert rows[4] == ["2026-03-05", "¥1,234.50", "¥0.00", "¥0.00"]
    assert rows[5] == ["2026-03-06", "¥0.00", "¥88.10", "¥0.00"]
    # ECharts comes from our own static files, nowhere else.
    assert '<script src="/static/impact/vendor/echarts.common.min.js" defer></script>' in html
    assert '<script src="/static/impact/charts.js" defer></script>' in html
    assert "http://" not in html.split("<main", 1)[1]
    assert "https://" not in html.split("<main", 1)[1]
    no_inline_script(html)


def test_a_year_is_drawn_by_month(w: Any, manager: Client) -> None:
    html = manager.get(
        reverse("impact:dashboard") + "?from=2026-01-01&to=2026-12-31", **EN
    ).content.decode()
    assert charts(html)["reach"]["labels"] == [f"2026-{month:02d}" for month in range(1, 13)]
    assert table(html, "table-reach")[:4] == [
        ["2026-01", "0"],
        ["2026-02", "1"],
        ["2026-03", "3"],
        ["2026-04", "0"],
    ]
    # Without dates: from the first built day to the last (59 days, so by day).
    whole = manager.get(reverse("impact:dashboard"), **EN).content.decode()
    labels = charts(whole)["reach"]["labels"]
    assert (labels[0], labels[-1], len(labels)) == ("2026-02-01", "2026-03-31", 59)


def test_drill_down_from_the_county_to_a_township_and_a_village(w: Any, manager: Client) -> None:
    url = reverse("impact:dashboard")
    county = manager.get(url + MARCH, **EN).content.decode()
    assert f'href="?from=2026-03-01&amp;to=2026-03-31&amp;township={w.t1.code}"' in county
    township = manager.get(url + f"{MARCH}&township={w.t1.code}", **EN).content.decode()
    assert [row[0] for row in table(township, "table-areas")] == ["Kala", "Gaoyao"]
    assert figure(township, "residents_reached") == "2"
    assert f"township={w.t1.code}&amp;village={w.v1.code}" in township
    crumbs = re.search(r'data-testid="drill">(.*?)</nav>', township, re.S)
    assert crumbs is not None
    assert "Longquan" in crumbs.group(1)
    village = manager.get(url + f"{MARCH}&village={w.v2.code}", **EN).content.decode()
    assert figure(village, "residents_reached") == "1"
    crumbs = re.search(r'data-testid="drill">(.*?)</nav>', village, re.S)
    assert crumbs is not None
    # County and township are links back up; the village is where the page is.
    assert ">Longquan</a>" in crumbs.group(1)
    assert 'aria-current="page">Gaoyao<' in crumbs.group(1)


def test_the_dashboard_reads_in_chinese(w: Any, manager: Client) -> None:
    html = manager.get(reverse("impact:dashboard") + MARCH, **ZH).content.decode()
    assert '<html lang="zh-hans">' in html
    assert charts(html)["areas"]["labels"] == ["龙泉镇", "兴仁镇"]
    assert figure(html, "upward_sales").startswith("¥1,234.50")


@pytest.mark.parametrize(
    "query",
    [
        "?from=2026-13-01",
        "?from=yesterday",
        "?from=2026-03-31&to=2026-03-01",
        "?from=2000-01-01&to=2026-01-01",
        "?township=999999999999",
        "?township=abc",
        "?village=1" + "0" * 200,
        "?category=no-such-type",
        "?township=" + "9" * 5000,
        "?page=abc&from[]=x",
    ],
)
def test_a_bad_filter_is_shown_and_the_county_figures_stay(
    w: Any, manager: Client, query: str
) -> None:
    response = manager.get(reverse("impact:dashboard") + query, **EN)
    assert response.status_code == 200
    html = response.content.decode()
    if "page=abc" not in query:
        assert 'data-testid="filter-error"' in html
    assert re.search(r'max="30000" value="4"', html)


def test_only_the_programme_manager_and_administrators_see_the_figures(
    w: Any, client: Client
) -> None:
    urls = [reverse("impact:dashboard"), reverse("impact:households"), reverse("impact:unreached")]
    for url in urls:
        response = client.get(url)
        assert response.status_code == 302
        assert "/accounts/login/" in response["Location"]
    for role in (Role.BUYER, Role.AGENT, Role.SELLER, Role.LOAN_OFFICER):
        client.force_login(user_with_role(role))
        for url in urls:
            assert client.get(url).status_code == 403, (role, url)
    client.force_login(user_with_role(Role.ADMIN))
    for url in urls:
        assert client.get(url).status_code == 200


def test_nothing_built_yet_says_so(manager: Client) -> None:
    CountyFactory()
    html = manager.get(reverse("impact:dashboard"), **EN).content.decode()
    assert 'data-testid="impact-empty"' in html
    assert "xiangcun impact-rebuild" in html


def test_the_dashboard_reads_the_facts_in_a_bounded_number_of_queries(
    w: Any, manager: Client, django_assert_max_num_queries: Any
) -> None:
    manager.get(reverse("impact:dashboard"))  # session and language settle
    with django_assert_max_num_queries(60):
        assert manager.get(reverse("impact:dashboard") + MARCH).status_code == 200


def test_the_page_policy_lets_our_scripts_run_and_nothing_else(w: Any, manager: Client) -> None:
    response = manager.get(reverse("impact:dashboard"))
    policy = response["Content-Security-Policy"]
    script = next(part for part in policy.split(";") if part.strip().startswith("script-src"))
    assert script.split() == ["script-src", "'self'"]
    # The vendored build needs no eval: the full build's GeoJSON parser is not in it.
    vendored = (STATIC / "vendor" / "echarts.common.min.js").read_text(encoding="utf-8")
    assert "new Function" not in vendored
    assert "eval(" not in vendored
    licence = (STATIC / "vendor" / "echarts.LICENSE.txt").read_text(encoding="utf-8")
    assert "Apache License" in licence
    assert "Version 2.0" in licence


# --- households -------------------------------------------------------------------------------


def test_the_households_page_shows_ways_and_income_without_id_numbers(
    w: Any, manager: Client
) -> None:
    html = manager.get(reverse("impact:households") + MARCH, **EN).content.decode()
    rows = {row[1]: row for row in table(html, "households")}
    assert set(rows) == {"王大福", "杨二妹", "李三宝"}
    assert rows["王大福"][0] == "Kala"
    assert rows["王大福"][2] == "P-001"
    assert "Sold" in rows["王大福"][4]
    assert "Bought" in rows["王大福"][4]
    assert rows["王大福"][-1] == "¥300.25"
    assert "Not reached" in rows["杨二妹"][4]
    assert "0023<" not in html
    assert "5226**" not in html
    reached = manager.get(
        reverse("impact:households") + MARCH + "&reached=yes", **EN
    ).content.decode()
    assert [row[1] for row in table(reached, "households")] == ["王大福"]
    quiet = manager.get(reverse("impact:households") + MARCH + "&reached=no", **EN).content.decode()
    assert {row[1] for row in table(quiet, "households")} == {"杨二妹", "李三宝"}


def test_the_unreached_list_goes_village_by_village(w: Any, manager: Client) -> None:
    html = manager.get(reverse("impact:unreached"), **EN).content.decode()
    villages = re.findall(r'<h2 class="impact-village-name">(.*?)</h2>', html)
    assert villages == ["Gaoyao", "Paimo"] or villages == ["Paimo", "Gaoyao"]
    assert "王大福" not in html
    assert "杨二妹" in html
    assert "李三宝" in html
    assert "0023" not in html
    one = manager.get(reverse("impact:unreached") + f"?township={w.t2.code}", **EN).content.decode()
    assert re.findall(r'<h2 class="impact-village-name">(.*?)</h2>', one) == ["Paimo"]
    assert f'href="/impact/export/unreached.csv?township={w.t2.code}"' in one


def test_the_unreached_list_is_paged(w: Any, manager: Client) -> None:
    Household.objects.bulk_create(
        Household(
            village=w.v3,
            head_name=f"户主{n:03d}",
            registered_poor=True,
            register_number=f"Q-{n:03d}",
        )
        for n in range(120)
    )
    first = manager.get(reverse("impact:unreached"), **EN).content.decode()
    assert "122 households not reached yet" in first
    assert len(re.findall(r"<tr data-household=", first)) == 100
    assert 'rel="next"' in first
    second = manager.get(reverse("impact:unreached") + "?page=2", **EN).content.decode()
    assert len(re.findall(r"<tr data-household=", second)) == 22
    assert manager.get(reverse("impact:unreached") + "?page=5000").status_code == 200


# --- the public page --------------------------------------------------------------------------


def test_the_public_page_needs_no_login_and_hides_small_counts(w: Any, client: Client) -> None:
    response = client.get(reverse("impact:public") + MARCH, **EN)
    assert response.status_code == 200
    html = response.content.decode()
    # Three residents, one poor household, two hires: each under 5.
    assert figure(html, "residents_reached") == "fewer than 5"
    assert figure(html, "poor_households_reached") == "fewer than 5"
    assert figure(html, "jobs_filled") == "fewer than 5"
    assert "not shown" in figure(html, "upward_sales")
    for private in ("王大福", "杨二妹", "P-001", "Kala", "0023"):
        assert private not in html
    no_inline_script(html)


def test_the_public_page_shows_counts_of_five_and_more(w: Any, client: Client) -> None:
    for resident_id in range(10, 16):
        reach(
            resident_id=resident_id,
            day=datetime.date(2026, 3, 20),
            village_id=w.v1.id,
            township_id=w.t1.id,
        )
    html = client.get(reverse("impact:public") + MARCH, **ZH).content.decode()
    assert figure(html, "residents_reached") == "9"
    rows = table(html, "public-townships")
    assert rows[0][:2] == ["龙泉镇", "8"]
    assert client.get(reverse("impact:public") + "?from=nonsense").status_code == 200
