"""Bytes a phone downloads for the demo shop's pages, pictures included, from a running site.

    make run                                          # in another terminal (or any served demo)
    .venv/bin/python bench/demo_page_weight.py        # http://127.0.0.1:8000
    .venv/bin/python bench/demo_page_weight.py --base http://127.0.0.1:8765

For each page: the HTML (as sent and gzipped at level 5, what nginx sends), the pictures it
names, split into those fetched at once and those marked loading="lazy" (fetched only when
scrolled near), and their bytes. Stylesheets and scripts are left out: cached after the first
page.
"""

import argparse
import gzip
import re
import sys
import urllib.request
from urllib.parse import urljoin

PAGES = ("/", "/shop/", "/shop/search/?q=fm")
_IMG = re.compile(r"<img\b[^>]*>")
_SRC = re.compile(r'\bsrc="([^"]+)"')


def _get(url: str) -> bytes:
    with urllib.request.urlopen(url, timeout=30) as response:
        return bytes(response.read())


def _first_product(base: str) -> str:
    html = _get(base + "/shop/").decode()
    found = re.search(r'href="(/shop/p/\d+/)"', html)
    return found.group(1) if found else ""


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--base", default="http://127.0.0.1:8000")
    base = parser.parse_args().base.rstrip("/")
    pages = [*PAGES, _first_product(base)]
    print(f"{'page':<22} {'html':>8} {'gzip':>7} {'eager img':>14} {'lazy img':>14}")
    for path in filter(None, pages):
        html = _get(base + path)
        eager = lazy = eager_bytes = lazy_bytes = 0
        for tag in _IMG.findall(html.decode()):
            src = _SRC.search(tag)
            if src is None or src.group(1).startswith("data:"):
                continue
            size = len(_get(urljoin(base + path, src.group(1))))
            if 'loading="lazy"' in tag:
                lazy, lazy_bytes = lazy + 1, lazy_bytes + size
            else:
                eager, eager_bytes = eager + 1, eager_bytes + size
        zipped = len(gzip.compress(html, compresslevel=5))
        print(
            f"{path:<22} {len(html):>8,} {zipped:>7,} "
            f"{eager:>3} {eager_bytes / 1024:>7.1f} KB {lazy:>3} {lazy_bytes / 1024:>7.1f} KB"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
