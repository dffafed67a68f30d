"""Role homes without dead ends: on the Danzhai demo, every demo login's home lists the pages of
its work, each of them opens, and no link leads to a page that refuses or shows nothing."""

import re
from io import StringIO
from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.management import call_command
from django.test import Client, RequestFactory
from django.urls import reverse

from xiangcun.accounts.models import User
from xiangcun.accounts.services import demo_users_ensure
from xiangcun.accounts.types import DemoUser, Role
from xiangcun.web.access import CHECKS, may_open
from xiangcun.web.management.commands.demo import DEMO_PASSWORD
from xiangcun.web.navigation import WORKSPACES

# Pages any signed-in person opens (an empty state when they have nothing there): a home lists
# them only to those whose work they are, so "not listed" does not mean "refused" for these.
OPEN_TO_EVERYONE = {
    "console:home",
    "finance:money",
    "finance:loans",
    "traceability:lots",
    "impact:public",
}

# What each role must reach from its home, by URL name (issue 17: "every page the role needs").
NEEDED = {
    Role.LOAN_OFFICER: {"finance:officer", "finance:arrears", "finance:portfolio"},
    Role.RECRUITER: {"jobs:workspace"},
    Role.TRAINER: {"training:trainer", "training:results"},
    Role.PROGRAMME_MANAGER: {
        "impact:dashboard",
        "sellers:review_queue",
        "console:review_queue",
        "traceability:recall",
        "finance:payouts",
    },
    Role.BRAND_MANAGER: {
        "console:review_queue",
        "traceability:recall",
        "admin:catalog_brand_changelist",
        "admin:catalog_certification_changelist",
    },
    Role.SELLER: {"console:home", "orders:shop", "traceability:harvest", "finance:money"},
    Role.AGENT: {"servicecenter:desk", "servicecenter:counter", "logistics:handover"},
    Role.WAREHOUSE: {"logistics:dispatch", "logistics:intake", "logistics:packing"},
    Role.PACKER: {"logistics:packing", "logistics:carriers"},
    Role.DRIVER: {"logistics:route"},
    Role.COURIER: {"logistics:route"},
}

HREF = re.compile(r'href="(/[^"#?]*)"')


@pytest.fixture
def demo(db: Any, settings: Any) -> list[DemoUser]:
    settings.DEBUG = True
    call_command("demo", "--quiet", stdout=StringIO(), stderr=StringIO())
    return demo_users_ensure(password=DEMO_PASSWORD)


def _work_section(html: str) -> str:
    found = re.search(r'<section class="block block-mine".*?</section>', html, re.S)
    return found.group(0) if found else ""


def _nav(html: str) -> str:
    found = re.search(r'<nav class="site-nav".*?</nav>', html, re.S)
    return found.group(0) if found else ""


def _request_as(user: Any) -> Any:
    request = RequestFactory().get("/")
    request.user = user
    return request


def test_every_link_on_every_roles_home_opens(demo: list[DemoUser]) -> None:
    """The nav and "your work" of each demo login: every link answers 200 for that login (no
    "no permission", no empty admin), the pages the role needs are among them, the admin is
    offered exactly to those it shows something, and the brand manager's workspace is real."""
    for login in demo:
        client = Client(HTTP_ACCEPT_LANGUAGE="en")
        client.force_login(User.objects.get(phone=login.phone))
        html = client.get("/").content.decode()
        links = set(HREF.findall(_work_section(html))) | set(HREF.findall(_nav(html)))
        for url in sorted(links):
            response = client.get(url, follow=True)
            assert response.status_code == 200, (login.role, url, response.status_code)
        for url_name in NEEDED.get(login.role, set()):
            assert reverse(url_name) in links, (login.role, url_name)
        index = client.get(reverse("admin:index"))
        # the admin's index lists each app the person may see as a module of class app-<label>
        shows_something = index.status_code == 200 and 'class="app-' in index.content.decode()
        assert (reverse("admin:index") in links) == shows_something, login.role
    brand_manager = next(login for login in demo if login.role == Role.BRAND_MANAGER)
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(User.objects.get(phone=brand_manager.phone))
    page = client.get(reverse("web:workspace", kwargs={"role": "brand_manager"})).content.decode()
    assert "still being built" not in page
    for url_name in ("console:review_queue", "traceability:recall"):
        assert f'href="{reverse(url_name)}"' in page


def test_a_listed_page_opens_and_a_hidden_one_refuses(demo: list[DemoUser]) -> None:
    """Each check in `web.access` agrees with its page, for every demo login and a visitor."""
    people: list[Any] = [User.objects.get(phone=login.phone) for login in demo]
    people.append(AnonymousUser())
    for person in people:
        client = Client(HTTP_ACCEPT_LANGUAGE="en")
        if person.is_authenticated:
            client.force_login(person)
        request = _request_as(person)
        for url_name in CHECKS:
            response = client.get(reverse(url_name), follow=True)
            status = response.status_code
            # a page that first asks which farm or station (a redirect) is not a refusal
            if person.is_authenticated and may_open(request, url_name):
                assert status == 200, (person, url_name, status)
            elif url_name not in OPEN_TO_EVERYONE:
                refused = status != 200 or response.redirect_chain  # to the log-in page
                assert refused, (person, url_name, status)


def test_every_workspace_link_has_a_check() -> None:
    for workspace in WORKSPACES.values():
        for _label, url_name in workspace.links:
            assert url_name in CHECKS, url_name
            reverse(url_name)
