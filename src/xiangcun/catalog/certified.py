"""The one rule of what is certified: a certificate checked by staff (verified), valid on the
day, vouches for the products it names, and for the harvest lots it is attached to; a
product counts as certified by a lot's certificate only while that lot is on sale (a lot
source registered by traceability, which lives above catalog, says which lots are).

Cards, the product page, the search filter and the programme's figures all ask here, so a
brand's certificate never spreads to a product it does not name, nor a lot's certificate to
the product once that lot is sold out.
"""

from __future__ import annotations

import datetime
import functools
import operator
from collections.abc import Callable, Iterable
from functools import reduce
from typing import Any

from django.db import connection
from django.db.models import Case, Exists, OuterRef, Q, QuerySet, Value, When

from xiangcun.catalog.models import Certification, Product

_Covered = Certification.products.through

# Where lots carry certificates: each source answers rows with a `certification` foreign key
# and a `product_id`, one per certificate attached to a lot on sale.
LotCertificateSource = Callable[[], QuerySet[Any, Any]]
_lot_sources: list[LotCertificateSource] = []


def lot_certificates_register(source: LotCertificateSource) -> None:
    """Traceability tells catalog which certificates the lots on sale carry (once, at start)."""
    if source not in _lot_sources:
        _lot_sources.append(source)
        _covering_sql.cache_clear()


def _lot_rows(*, on: datetime.date, kind: str | None) -> list[QuerySet[Any, Any]]:
    rows = [
        source().filter(valid_certifications_q(on=on, prefix="certification__"))
        for source in _lot_sources
    ]
    return [row.filter(certification__kind=kind) for row in rows] if kind is not None else rows


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


def _covering(*, on: datetime.date, kind: str | None) -> list[QuerySet[Any, Any]]:
    """Subqueries of `product_id`s covered on `on`: named by a certificate, and sold from a
    lot that carries one (one per lot source)."""
    rows = _Covered.objects.filter(valid_certifications_q(on=on, prefix="certification__"))
    if kind is not None:
        rows = rows.filter(certification__kind=kind)
    return [rows.values("product_id")] + [
        lot_rows.values("product_id") for lot_rows in _lot_rows(on=on, kind=kind)
    ]


def certified_product_ids(
    *, product_ids: Iterable[int], on: datetime.date, kind: str | None = None
) -> set[int]:
    """Which of these products are covered on `on` (one query per 900 ids)."""
    ids = sorted(set(product_ids))
    condition, params = certified_products_sql("id", on=on, kind=kind)
    found: set[int] = set()
    with connection.cursor() as cursor:
        for start in range(0, len(ids), 900):
            chunk = ids[start : start + 900]
            cursor.execute(
                f"SELECT id FROM {Product._meta.db_table} "  # noqa: S608 (placeholders only)
                f"WHERE id IN ({', '.join(['%s'] * len(chunk))}) AND {condition}",
                [*chunk, *params],
            )
            found.update(int(pk) for (pk,) in cursor.fetchall())
    return found


def lot_carried_certifications(*, product_id: int, on: datetime.date) -> list[Certification]:
    """The valid certificates the product's lots on sale carry (not those naming it); one
    query."""
    carried = [
        Q(pk__in=rows.filter(product_id=product_id).values("certification_id"))
        for rows in _lot_rows(on=on, kind=None)
    ]
    if not carried:
        return []
    return list(Certification.objects.filter(reduce(operator.or_, carried)).order_by("id"))


# Products from `with_lot_certified` carry this: whether a lot of theirs on sale carries a
# certificate that counts today (so a page of cards needs no query per product).
LOT_CERTIFIED = "lot_certified_today"


def with_lot_certified(rows: QuerySet[Any, Any], *, on: datetime.date) -> QuerySet[Any, Any]:
    """Products annotated with LOT_CERTIFIED, in the same query."""
    carried = [
        Exists(lot_rows.filter(product_id=OuterRef("pk")))
        for lot_rows in _lot_rows(on=on, kind=None)
    ]
    if not carried:
        flag: Any = Value(False)
    else:
        condition = carried[0] if len(carried) == 1 else reduce(operator.or_, carried)
        flag = Case(When(condition, then=Value(True)), default=Value(False))
    annotated: QuerySet[Any, Any] = rows.annotate(**{LOT_CERTIFIED: flag})
    return annotated


def valid_certification_ids(*, ids: Iterable[int], on: datetime.date) -> set[int]:
    """Which of these certificates count on `on`; one query."""
    rows = Certification.objects.filter(valid_certifications_q(on=on), pk__in=sorted(set(ids)))
    return set(rows.values_list("pk", flat=True))


def certified_products_sql(
    column: str, *, on: datetime.date, kind: str | None = None
) -> tuple[str, list[Any]]:
    """`(sql, params)` of the condition "`column` is a certified product's id" for hand-written
    SQL (the default database), built from the same subqueries as everything else here. One
    `IN` of their UNION, which the planners can start from (a few certified products, then
    their rows), where an OR of subqueries or an `IN` of products matching either is tested row
    by row (50 ms for a category of 18,000 at 100,000). Compiled once per day and kind."""
    union, params = certified_union_sql(on=on, kind=kind)
    return f"{column} IN ({union})", params


def certified_union_sql(*, on: datetime.date, kind: str | None = None) -> tuple[str, list[Any]]:
    """`(sql, params)` of a SELECT of the ids of products covered on `on` (some more than
    once): the UNION of the covering subqueries, for the search backend's hand-written SQL."""
    union, params = _covering_sql(on, kind)
    return union, list(params)


@functools.lru_cache(maxsize=8)
def _covering_sql(on: datetime.date, kind: str | None) -> tuple[str, tuple[Any, ...]]:
    selects: list[str] = []
    params: list[Any] = []
    for rows in _covering(on=on, kind=kind):
        sql, sql_params = rows.query.sql_with_params()
        selects.append(sql)
        params.extend(sql_params)
    return " UNION ".join(selects), tuple(params)
