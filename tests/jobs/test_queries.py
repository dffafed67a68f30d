"""The public list and its API answer in the same few queries however many jobs are open."""

from collections.abc import Callable

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from tests.jobs.factories import PostingFactory

pytestmark = pytest.mark.django_db


def _queries(request: Callable[[], object]) -> int:
    with CaptureQueriesContext(connection) as captured:
        request()
    return len(captured)


@pytest.mark.parametrize("url", ["/jobs/", "/api/v1/jobs/postings", "/api/v1/jobs/headcount"])
def test_the_number_of_queries_does_not_grow_with_the_jobs(client: Client, url: str) -> None:
    PostingFactory()
    client.get(url)  # warm caches (content types, site settings)
    few = _queries(lambda: client.get(url))
    PostingFactory.create_batch(25)
    many = _queries(lambda: client.get(url))
    assert many == few
    assert few <= 6
