"""The storefront's cached page fragments: what their keys are made of, and the catalogue's
version, which every catalogue write changes when it commits.

A fragment (a page of cards, a product's photos, story and certificates) is kept for
`STOREFRONT_CACHE_SECONDS` under a key made of the catalogue's version, the reader's language,
today's date (a certificate that ran out yesterday loses its badge overnight) and what the page
was asked for (its path and query). The catalogue's services change the version once their
transaction commits, so a new price, a delisted product or a new photo shows on the next request
in every process that shares the cache (Redis in production; the in-process default cache is
only right for one process). A save or delete of any row the fragments show, by a service or
not (the admin, a shell, another app's service: a shop's name, a village's), changes it too
(`fragments_follow_saves`). Stock and the "add to cart" forms are never cached.
"""

from __future__ import annotations

import hashlib
import secrets
import time
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.utils import timezone
from django.utils.translation import get_language

VERSION_KEY = "catalog:version"
# Each process keeps the version it read for this long: one round trip to the cache less per
# page (with Redis, a page found in the cache makes one or two instead of two or three). A change
# made in this process shows at once; one made in another shows here within this time.
LOCAL_SECONDS = 1.0
_local: dict[str, tuple[float, str]] = {}


def catalog_version() -> str:
    """The token that changes whenever a catalogue service commits a change."""
    now = time.monotonic()
    kept = _local.get(VERSION_KEY)
    if kept is not None and now < kept[0]:
        return kept[1]
    version = cache.get(VERSION_KEY)
    if version is None:
        # A random token rather than a counter from 0: if the cache drops this key but keeps
        # fragments, a counter would start again at a value those fragments were stored under.
        cache.add(VERSION_KEY, secrets.token_hex(8), timeout=None)
        version = cache.get(VERSION_KEY)
    _local[VERSION_KEY] = (now + LOCAL_SECONDS, str(version))
    return str(version)


def catalog_version_change() -> None:
    """Every cached fragment of the storefront is out of date from now on."""
    version = secrets.token_hex(8)
    cache.set(VERSION_KEY, version, timeout=None)
    _local[VERSION_KEY] = (time.monotonic() + LOCAL_SECONDS, version)


def catalog_changed_on_commit() -> None:
    """Change the version when the current transaction commits (at once outside one).

    Not before: a request reading the catalogue between the write and its commit would store
    the old rows under the new version. A cache that cannot be reached is logged, never undoes
    the write (`robust`)."""
    transaction.on_commit(catalog_version_change, robust=True)


# Every model whose rows a cached fragment shows (cards, product descriptions), by label: other
# apps' models are named, never imported. Not `update()` or `bulk_create()`, which send no
# signal: the catalogue's services change the version themselves after those.
FRAGMENT_SOURCES = (
    "catalog.Product",
    "catalog.Variant",
    "catalog.ProductPhoto",
    "catalog.Category",
    "catalog.Brand",
    "catalog.Certification",
    "sellers.Seller",
    "regions.Township",
    "regions.Village",
)


def _row_changed(**kwargs: object) -> None:
    catalog_changed_on_commit()


def fragments_follow_saves() -> None:
    """Change the catalogue's version when a row the fragments show is saved or deleted (on
    commit), whoever writes it. Services change it as well, after their index update (a second
    change, so that a page rebuilt in between is not kept). Called once, from `ready()`."""
    for label in FRAGMENT_SOURCES:
        post_save.connect(_row_changed, sender=label, dispatch_uid=f"fragments-save-{label}")
        post_delete.connect(_row_changed, sender=label, dispatch_uid=f"fragments-del-{label}")
    # The products a certificate names (its badge on their cards and pages).
    m2m_changed.connect(
        _row_changed, sender="catalog.Certification_products", dispatch_uid="fragments-m2m"
    )


@dataclass(frozen=True)
class Fragment:
    """What a template's `{% cache fragment.seconds "name" fragment.key %}` needs."""

    key: str
    seconds: int


def storefront_fragment(*parts: object) -> Fragment:
    """The key of a fragment showing `parts` (page, path and query...) in the reader's language,
    today, for the catalogue as it is now."""
    raw = repr((catalog_version(), get_language(), timezone.localdate().isoformat(), parts))
    return Fragment(
        key=hashlib.sha256(raw.encode()).hexdigest()[:32],
        seconds=settings.STOREFRONT_CACHE_SECONDS,
    )
