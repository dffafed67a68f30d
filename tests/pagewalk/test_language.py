"""The page walk over the Danzhai demo: every page opens for someone."""

from tests.pagewalk.walk import PageWalk


def test_every_page_opens_for_some_role(pagewalk: PageWalk, db: None) -> None:
    opened = {path for paths in pagewalk.pages.values() for path in paths}
    unopened = [f"{name} {path}" for name, path in pagewalk.paths if path not in opened]
    assert unopened == [], "pages no demo login (nor anybody signed out) can open"
