"""The Danzhai demo, built once per test module inside a transaction rolled back at the end
(as tests/authz builds its world), so no other test sees it."""

from collections.abc import Iterator
from typing import Any

import pytest
from django.conf import settings
from django.db import transaction
from django.utils import translation

from tests.pagewalk.walk import PageWalk, pagewalk_build


@pytest.fixture(scope="module")
def pagewalk(django_db_setup: None, django_db_blocker: Any) -> Iterator[PageWalk]:
    with django_db_blocker.unblock():
        outer = transaction.atomic()
        outer.__enter__()
        try:
            # Built in the site's language, as `xiangcun demo` is: what the demo writes once in
            # words (a payment's description sent to the provider) must not depend on which
            # test happened to run first.
            with translation.override(settings.LANGUAGE_CODE):
                built = pagewalk_build()
        except BaseException:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)
            raise
    yield built
    with django_db_blocker.unblock():
        transaction.set_rollback(True)
        outer.__exit__(None, None, None)
