"""Two harvests recorded at the same moment still get different lot codes (PostgreSQL only:
SQLite serialises writers, so it would prove nothing)."""

import threading
from typing import Any

import pytest
from django.db import connection

from xiangcun.accounts.models import User
from xiangcun.catalog.models import Variant
from xiangcun.traceability.models import Lot

from .conftest import record


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_simultaneous_harvests_get_different_codes(
    farmer: User, blueberry_variant: Variant
) -> None:
    start = threading.Barrier(4)
    errors: list[BaseException] = []

    def harvest() -> None:
        try:
            start.wait()
            record(farmer, blueberry_variant)
        except BaseException as error:  # reported below
            errors.append(error)
        finally:
            connection.close()

    threads: list[Any] = [threading.Thread(target=harvest) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    codes = list(Lot.objects.values_list("code", flat=True))
    assert len(codes) == 4
    assert len(set(codes)) == 4
