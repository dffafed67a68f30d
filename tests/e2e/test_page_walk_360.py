"""Every page of the URL map, for every demo login and a visitor, in both languages, on a 360 px
phone: none is wider than the screen (issue 17, item 7).

The pages each login may open come from the page walker (tests/pagewalk: the Danzhai demo, every
URL of the map filled from it, kept where the login gets a page). One Chromium, one context per
login and language, signed in by a session cookie (the log-in form has its own tests). A page is
too wide when the document scrolls sideways (`scrollWidth > clientWidth + 1`); the failure names
the page and the elements that stick out, outermost first.
"""

from typing import Any

from django.conf import settings
from django.test import Client

from tests.pagewalk.walk import ANONYMOUS, LANGUAGES, demo_build, pages_by_role
from xiangcun.accounts.types import Role

VIEWPORT = {"width": 360, "height": 740}

# The innermost elements whose box or content reaches past the right edge (fixed bars, which
# only follow the widened page, and the page's own scroll boxes excepted: a table scrolling
# sideways inside .table-wrap is allowed), as "tag#id.class right=px".
OVERFLOW = """() => {
  const doc = document.documentElement;
  const width = doc.clientWidth;
  if (doc.scrollWidth <= width + 1) return null;
  const clipped = (el) => {
    for (let up = el.parentElement; up && up !== document.body; up = up.parentElement) {
      if (['auto', 'scroll', 'hidden'].includes(getComputedStyle(up).overflowX)) return true;
    }
    return false;
  };
  const wide = [];
  for (const el of document.body.querySelectorAll('*')) {
    const box = el.getBoundingClientRect();
    const right = box.left + Math.max(box.width, el.scrollWidth);
    if (box.width === 0 || right <= width + 1) continue;
    if (getComputedStyle(el).position === 'fixed' || clipped(el)) continue;
    wide.push([el, right]);
  }
  const holds = (el) => wide.some(([other]) => other !== el && el.contains(other));
  const innermost = wide.filter(([el]) => !holds(el));
  const named = innermost.slice(0, 6).map(([el, right]) => {
    const classes = typeof el.className === 'string' && el.className.trim()
      ? '.' + el.className.trim().split(/\\s+/).join('.') : '';
    return el.tagName.toLowerCase() + (el.id ? '#' + el.id : '') + classes
      + ' right=' + Math.round(right);
  });
  return {scrollWidth: doc.scrollWidth, clientWidth: width, elements: named};
}"""


def _session_cookie(user: Any, base: str) -> dict[str, Any]:
    client = Client()
    client.force_login(user)
    return {
        "name": settings.SESSION_COOKIE_NAME,
        "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
        "url": base,
    }


def test_no_page_is_wider_than_a_360_px_phone(browser: Any, live_server: Any) -> None:
    base = live_server.url
    demo = demo_build()
    pages = pages_by_role(demo)
    too_wide: list[str] = []
    opened = 0
    for role, paths in pages.items():
        for language in LANGUAGES:
            context = browser.new_context(
                viewport=VIEWPORT, device_scale_factor=1, is_mobile=True, has_touch=True
            )
            context.set_default_timeout(30_000)
            cookies = [{"name": settings.LANGUAGE_COOKIE_NAME, "value": language, "url": base}]
            if role != ANONYMOUS:
                cookies.append(_session_cookie(demo.user(Role(role)), base))
            context.add_cookies(cookies)
            page = context.new_page()
            for path in paths:
                page.goto(f"{base}{path}", wait_until="load")
                opened += 1
                found = page.evaluate(OVERFLOW)
                if found:
                    too_wide.append(
                        f"{role} {language} {path}: {found['scrollWidth']} px > "
                        f"{found['clientWidth']} px; {', '.join(found['elements'])}"
                    )
            context.close()
    assert opened > 100  # the walk really walked (every login, both languages)
    assert not too_wide, "\n".join(too_wide)
