"""Every pattern of the URL map is either a page the walk can open or left out by name."""

from tests.pagewalk.urlmap import NOT_PAGES, PARAMS, has_parameters, page_patterns, url_patterns


def test_every_page_with_parameters_says_where_they_come_from() -> None:
    missing = [
        f"{pattern.name} ({pattern.route})"
        for pattern in page_patterns()
        if has_parameters(pattern) and pattern.name not in PARAMS
    ]
    assert missing == [], (
        "pages with path parameters and no line in tests/pagewalk/urlmap.py PARAMS "
        "(or, if they are no page, a line in POST_ONLY or NOT_HTML)"
    )


def test_no_stale_lines() -> None:
    names = {pattern.name for pattern in url_patterns()}
    assert set(PARAMS) - names == set(), "PARAMS lines for patterns that no longer exist"
    assert NOT_PAGES - names == set(), "NOT_PAGES lines for patterns that no longer exist"
    assert set(PARAMS) & NOT_PAGES == set(), "a pattern is either a page or not"


def test_every_pattern_is_named() -> None:
    unnamed = [pattern.route for pattern in url_patterns() if "<unnamed" in pattern.name]
    assert unnamed == [], "name every URL pattern, so the walk and reverse() can find it"
