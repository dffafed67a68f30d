"""The one rule of what is certified: a certificate checked by staff (verified), valid on the
day, vouches for the products it names, and for no other.

Cards, the product page, the search filter and the programme's figures all ask here, so a
brand's certificate never spreads to a product it does not name.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from typing import Any

from django.db.models import Q, QuerySet

from xiangcun.catalog.models import Certification

_Covered = Certification.products.through


def certification_is_valid(certification: Certification, *, on: datetime.date) -> bool:
    """Checked by staff and within its dates on `on`."""
    return (
        certification.status == Certification.Status.VERIFIED
        and certification.valid_from <= on
        and (certification.valid_until is None or certification.valid_until >= on)
    )


def valid_certifications_q(*, on: datetime.date, prefix: str = "") -> Q:
    """Certificates that count on `on` (`prefix`: the path to the certificate, e.g.
    "certification__")."""
    return Q(
        Q(**{f"{prefix}valid_until__isnull": True}) | Q(**{f"{prefix}valid_until__gte": on}),
        **{f"{prefix}status": Certification.Status.VERIFIED, f"{prefix}valid_from__lte": on},
    )


def certified_product_ids_query(
    *, on: datetime.date, kind: str | None = None
) -> QuerySet[Any, Any]:
    """The ids of products covered on `on` (of one kind when given), as a subquery for
    `pk__in=`."""
    rows = _Covered.objects.filter(valid_certifications_q(on=on, prefix="certification__"))
    if kind is not None:
        rows = rows.filter(certification__kind=kind)
    return rows.values("product_id")


def certified_product_ids(
    *, product_ids: Iterable[int], on: datetime.date, kind: str | None = None
) -> set[int]:
    """Which of these products are covered on `on` (one query per 900 ids)."""
    ids = sorted(set(product_ids))
    found: set[int] = set()
    for start in range(0, len(ids), 900):
        rows = certified_product_ids_query(on=on, kind=kind).filter(
            product_id__in=ids[start : start + 900]
        )
        found.update(int(row["product_id"]) for row in rows)
    return found


def certified_products_sql(column: str, *, on: datetime.date) -> tuple[str, list[Any]]:
    """`(sql, params)` of the condition "`column` is a certified product's id" for the search
    backend's hand-written SQL (for the default database), built from the same query as
    everything else here."""
    sql, params = certified_product_ids_query(on=on).query.sql_with_params()
    return f"{column} IN ({sql})", list(params)
