"""Build the Danzhai demo and find which pages each demo login may open.

With the test client (tests/pagewalk/conftest.py builds the demo once per module inside a
transaction rolled back at the end):

    def test_something(pagewalk: PageWalk) -> None:
        for role, paths in pagewalk.pages.items(): ...

From a browser test (live_server, whose database is emptied after each test), build and walk
inside the one test:

    demo = demo_build()
    pages = pages_by_role(demo)   # {"anonymous": [...], "buyer": [...], ...}
    # log in as demo.user(Role.X) (password DEMO_PASSWORD) and open each path at 360 px
"""

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.management import call_command
from django.db import transaction
from django.test import Client, override_settings

from tests.pagewalk.urlmap import Demo, page_urls
from xiangcun.accounts.services import demo_users_ensure
from xiangcun.accounts.types import Role
from xiangcun.web.management.commands.demo import DEMO_PASSWORD

if TYPE_CHECKING:
    from django.test.client import _MonkeyPatchedWSGIResponse as TestResponse

ANONYMOUS = "anonymous"
# The walk's actors: nobody signed in, then the demo's login of each role (README's table).
ROLES: tuple[str, ...] = (ANONYMOUS, *(role.value for role in Role))
LANGUAGES: tuple[str, ...] = tuple(code for code, _name in settings.LANGUAGES)


def demo_build() -> Demo:
    """Load the Danzhai demo (`xiangcun demo`) into the current database."""
    with override_settings(DEBUG=True):
        call_command("demo", "--quiet")
        logins = demo_users_ensure(password=DEMO_PASSWORD)
    demo = Demo({login.role.value: login.phone for login in logins})
    demo.buyer_cart_fill()
    return demo


def is_page(response: "TestResponse") -> bool:
    return response.status_code == 200 and str(response.get("Content-Type", "")).startswith(
        "text/html"
    )


def client_as(demo: Demo, role: str, language: str = settings.LANGUAGE_CODE) -> Client:
    """A test client signed in as the demo login of `role` (nobody for ANONYMOUS), asking for
    pages in `language` through the language cookie, as the site's switch sets it."""
    client = Client()
    if role != ANONYMOUS:
        client.force_login(demo.user(Role(role)))
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    return client


@dataclass
class Visit:
    name: str  # the URL name
    path: str
    response: "TestResponse"


def walk(demo: Demo, role: str, language: str, paths: list[tuple[str, str]]) -> Iterator[Visit]:
    """GET each path as `role` in `language`; what the requests write is rolled back."""
    client = client_as(demo, role, language)
    with transaction.atomic():
        for name, path in paths:
            yield Visit(name, path, client.get(path))
        transaction.set_rollback(True)


def all_pages(demo: Demo) -> list[tuple[str, str]]:
    """(URL name, path) of every page of the URL map, filled from the demo."""
    return list(page_urls(demo))


def pages_by_role(demo: Demo, paths: list[tuple[str, str]] | None = None) -> dict[str, list[str]]:
    """For each actor of ROLES, the paths that answer it a page (200, HTML) on a GET."""
    paths = all_pages(demo) if paths is None else paths
    return {
        role: [
            visit.path
            for visit in walk(demo, role, settings.LANGUAGE_CODE, paths)
            if is_page(visit.response)
        ]
        for role in ROLES
    }


def pages_nobody_opens(demo: Demo, paths: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """The paths no actor of ROLES can open; cheaper than pages_by_role: each role is asked
    only for the pages the ones before it could not open (the administrator first)."""
    left = list(paths)
    for role in sorted(ROLES, key=lambda role: role != Role.ADMIN.value):
        opened = {
            visit.path
            for visit in walk(demo, role, settings.LANGUAGE_CODE, left)
            if is_page(visit.response)
        }
        left = [(name, path) for name, path in left if path not in opened]
        if not left:
            break
    return left


@dataclass
class PageWalk:
    demo: Demo
    paths: list[tuple[str, str]]
    _pages: dict[str, list[str]] | None = field(default=None, repr=False)

    @property
    def pages(self) -> dict[str, list[str]]:
        """pages_by_role, computed once."""
        if self._pages is None:
            self._pages = pages_by_role(self.demo, self.paths)
        return self._pages


def pagewalk_build() -> PageWalk:
    demo = demo_build()
    return PageWalk(demo=demo, paths=all_pages(demo))
