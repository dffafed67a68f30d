"""Which checked certificates the lots on sale carry, for catalog's one rule of what is
certified (`catalog.certified`): registered when the app starts."""

from collections.abc import Iterable
from typing import Any

from django.db.models import F, QuerySet
from django.utils import timezone

from xiangcun.catalog.selectors import valid_certification_ids
from xiangcun.inventory.selectors import lot_ids_in_stock
from xiangcun.traceability.models import Lot, LotCertificate


def lot_certificates_on_sale() -> QuerySet[Any, Any]:
    """Certificates attached to an active lot with units in stock that name a certificate
    staff checked (`certification`), each with the lot's `product_id`."""
    return LotCertificate.objects.filter(
        certification__isnull=False,
        lot__status=Lot.Status.ACTIVE,
        lot_id__in=lot_ids_in_stock(),
    ).annotate(product_id=F("lot__product_id"))


def lot_certificates_checked(*, certificates: Iterable[LotCertificate]) -> set[int]:
    """Which of these lot certificates name a catalog certificate that counts today (checked
    by staff, within its dates: `catalog.certified`); one query."""
    rows = [row for row in certificates if row.certification_id is not None]
    if not rows:
        return set()
    valid = valid_certification_ids(
        ids={row.certification_id for row in rows if row.certification_id is not None},
        on=timezone.localdate(),
    )
    return {row.pk for row in rows if row.certification_id in valid}
