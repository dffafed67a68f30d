"""The site shell: language, navigation per role, workspaces, errors, health, no other hosts."""

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.contrib.staticfiles import finders
from django.db import connection
from django.http import HttpResponse
from django.template.loader import render_to_string
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from xiangcun.accounts.types import Role
from xiangcun.web import views as web_views

pytestmark = pytest.mark.django_db
MakeUser = Callable[..., Any]


def nav_keys(html: str) -> set[str]:
    return set(re.findall(r'data-nav="([a-z_]+)"', html))


def test_home_is_chinese_by_default(client: Client) -> None:
    html = client.get("/").content.decode()
    assert '<html lang="zh-hans">' in html


def test_home_shows_chinese_text_by_default(client: Client) -> None:
    html = client.get("/").content.decode()
    assert "丹寨农村电商" in html


def test_home_is_english_for_a_browser_asking_for_english(client: Client) -> None:
    html = client.get("/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert '<html lang="en">' in html
    assert "Danzhai rural e-commerce" in html


def test_language_switch_sets_english_and_returns_to_the_page(client: Client) -> None:
    response = client.post(reverse("set_language"), {"language": "en", "next": "/"})
    assert response.status_code == 302
    assert response["Location"] == "/"
    html = client.get("/").content.decode()
    assert '<html lang="en">' in html
    assert "Danzhai rural e-commerce" in html
    client.post(reverse("set_language"), {"language": "zh-hans", "next": "/"})
    assert '<html lang="zh-hans">' in client.get("/").content.decode()


def test_language_switch_offers_each_language_in_its_own_name(client: Client) -> None:
    html = client.get("/").content.decode()
    assert f'action="{reverse("set_language")}" method="post"' in html
    assert re.search(r'<button[^>]*name="language" value="zh-hans"[^>]*>简体中文</button>', html)
    assert re.search(r'<button[^>]*name="language" value="en"[^>]*>English</button>', html)


def test_visitor_sees_home_log_in_and_register(client: Client) -> None:
    html = client.get("/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert nav_keys(html) == {"home", "market", "cart", "login", "register"}
    assert reverse("accounts:login") in html
    assert reverse("accounts:register") in html
    assert "Log out" not in html


@pytest.mark.parametrize(
    ("roles", "expected"),
    [
        ((), {"home"}),
        ((Role.BUYER,), {"home"}),
        ((Role.SELLER,), {"home", "shop"}),
        ((Role.AGENT,), {"home", "service_desk"}),
        ((Role.DRIVER,), {"home", "logistics"}),
        ((Role.WAREHOUSE, Role.PACKER, Role.COURIER), {"home", "logistics"}),
        ((Role.LOAN_OFFICER,), {"home", "loans"}),
        ((Role.RECRUITER,), {"home", "jobs"}),
        ((Role.TRAINER,), {"home", "training"}),
        ((Role.PROGRAMME_MANAGER,), {"home", "impact"}),
        ((Role.BRAND_MANAGER,), {"home", "brands"}),
        ((Role.SELLER, Role.AGENT), {"home", "shop", "service_desk"}),
        # the role alone (no superuser, no permission): the admin would show nothing
        ((Role.ADMIN,), {"home"}),
    ],
)
def test_nav_shows_the_workspaces_of_the_users_roles(
    client: Client, make_user: MakeUser, roles: tuple[Role, ...], expected: set[str]
) -> None:
    user = make_user(*roles)
    client.force_login(user)
    html = client.get("/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    # Back-office staff (whoever accounts marks is_staff) with a permission the admin shows also
    # get the admin; nobody else does.
    if user.is_staff and user.get_all_permissions():
        expected = expected | {"admin"}
    # Everybody has the shop (market) and cart tabs; signed-in people have their orders.
    assert nav_keys(html) == expected | {"market", "cart", "orders"}


def test_logistics_roles_share_one_nav_entry(client: Client, make_user: MakeUser) -> None:
    client.force_login(make_user(Role.DRIVER, Role.COURIER))
    html = client.get("/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert html.count('data-nav="logistics"') == 1


def test_signed_in_user_sees_name_and_a_log_out_form(client: Client, make_user: MakeUser) -> None:
    client.force_login(make_user(Role.SELLER, name="Wang Fang"))
    html = client.get("/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Wang Fang" in html
    assert re.search(rf'<form action="{reverse("accounts:logout")}" method="post">', html)
    assert "My shop" in html
    assert f'href="{reverse("console:home")}"' in html  # the seller's shop opens the console


def test_workspace_opens_for_its_role(client: Client, make_user: MakeUser) -> None:
    client.force_login(make_user(Role.LOAN_OFFICER))
    response = client.get(
        reverse("web:workspace", kwargs={"role": "loan_officer"}), HTTP_ACCEPT_LANGUAGE="en"
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "Review loan applications" in html
    assert f'href="{reverse("finance:arrears")}"' in html  # its pages, each one tap away


def test_workspace_is_forbidden_without_the_role(client: Client, make_user: MakeUser) -> None:
    client.force_login(make_user(Role.SELLER))
    response = client.get(
        reverse("web:workspace", kwargs={"role": "loan_officer"}), HTTP_ACCEPT_LANGUAGE="en"
    )
    assert response.status_code == 403
    html = response.content.decode()
    assert "You cannot open this page" in html
    assert 'data-nav="shop"' in html  # the 403 page keeps the user's navigation


def test_workspace_sends_visitors_to_log_in(client: Client) -> None:
    url = reverse("web:workspace", kwargs={"role": "seller"})
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


@pytest.mark.parametrize("role", ["nobody", "admin", "buyer"])
def test_workspace_of_an_unknown_or_roomless_role_is_not_found(
    client: Client, make_user: MakeUser, role: str
) -> None:
    client.force_login(make_user(Role.ADMIN, Role.BUYER))
    response = client.get(f"/workspace/{role}/", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 404
    assert "Page not found" in response.content.decode()


def test_missing_page_uses_the_site_404(client: Client) -> None:
    response = client.get("/no-such-page/", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 404
    html = response.content.decode()
    assert "Page not found" in html
    assert "site.css" in html


def test_server_error_page_renders_without_a_request() -> None:
    html = render_to_string("500.html")
    assert "site.css" in html
    assert "<h1>" in html


def test_server_error_is_shown_with_the_500_page(
    client: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    def explode(*args: Any, **kwargs: Any) -> HttpResponse:
        raise RuntimeError("boom")

    monkeypatch.setattr(web_views, "render", explode)
    client.raise_request_exception = False
    response = client.get("/", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 500
    assert "Something went wrong" in response.content.decode()


def test_healthz_reports_ok(client: Client) -> None:
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


@pytest.mark.parametrize("signed_in", [False, True])
def test_no_page_loads_anything_from_another_host(
    client: Client, make_user: MakeUser, signed_in: bool
) -> None:
    if signed_in:
        client.force_login(make_user(*Role))
    urls = ["/", "/no-such-page/"]
    if signed_in:
        urls.append(reverse("web:workspace", kwargs={"role": "seller"}))
    for url in urls:
        html = client.get(url).content.decode()
        foreign = re.findall(r'(?:src|href|action)\s*=\s*["\']?\s*((?:https?:)?//[^"\'\s>]*)', html)
        assert foreign == [], url


def test_htmx_is_loaded_deferred_from_our_static_files(client: Client) -> None:
    html = client.get("/").content.decode()
    match = re.search(r'<script src="([^"]+)" defer></script>', html)
    assert match
    assert match.group(1) == f"{settings.STATIC_URL}web/vendor/htmx.min.js"
    assert "<script>" not in html  # no inline scripts: the CSP would block them
    assert '"includeIndicatorStyles": false' in html
    vendored = Path(__file__).resolve().parents[2] / "src/xiangcun/web/static/web/vendor"
    assert (vendored / "htmx.min.js").stat().st_size > 10_000
    assert (vendored / "htmx.LICENSE.txt").exists()


def test_csp_allows_scripts_only_from_our_origin(client: Client) -> None:
    policy = client.get("/")["Content-Security-Policy"]
    assert "script-src 'self'" in policy
    assert "unsafe-inline" not in policy.split("script-src", 1)[1].split(";", 1)[0]


def test_home_page_is_small(client: Client) -> None:
    html = client.get("/").content
    css = Path(str(finders.find("web/site.css"))).stat().st_size
    htmx = Path(str(finders.find("web/vendor/htmx.min.js"))).stat().st_size
    # Uncompressed; gzip roughly thirds this on the wire.
    assert len(html) + css + htmx < 150_000


def test_home_query_count_for_a_visitor(client: Client, django_assert_max_num_queries: Any) -> None:
    # The storefront shelves only (tests/storefront counts them with products on them).
    with django_assert_max_num_queries(5):
        client.get("/")


def test_home_query_count_stays_bounded_with_every_role(
    client: Client, make_user: MakeUser
) -> None:
    one = make_user(Role.SELLER)
    many = make_user(*Role)
    client.get("/")  # the shelves, the same for everyone, are then in the cache
    counts = []
    for user in (one, many):
        client.force_login(user)
        with CaptureQueriesContext(connection) as queries:
            assert client.get("/").status_code == 200
        counts.append(len(queries))
    # session, user, roles (the storefront shelves are cached), and each workspace's pages
    # asking their guards (one answer per guard and request): a seller's home stays at a dozen,
    # a person holding every role under 20
    assert counts[0] <= 12
    assert counts[1] <= 20


@pytest.mark.parametrize("path", ["/", "/shop/", "/healthz"])
def test_pages_answer_head_requests_as_monitors_send_them(client: Client, path: str) -> None:
    response = client.head(path)
    assert response.status_code == 200
    assert response.content == b""
