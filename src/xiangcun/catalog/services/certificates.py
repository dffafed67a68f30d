"""Certificates and the products they cover: staff record them, shops send theirs in, staff
check them. Only a checked certificate counts (see `catalog.certified`)."""

from __future__ import annotations

import datetime
from collections.abc import Iterable

from django.db import transaction
from django.utils import timezone

from xiangcun.accounts.types import AnyUser
from xiangcun.catalog.errors import (
    BrandNotFoundError,
    CertificationAlreadyCheckedError,
    CertificationNotFoundError,
    CertificationProductsError,
    InvalidCertificationError,
    InvalidCertificationKindError,
    ProductNotFoundError,
)
from xiangcun.catalog.models import Brand, Certification, Product
from xiangcun.catalog.selectors import VERIFY_PERMISSION
from xiangcun.catalog.services._common import (
    _has_perm,
    _reindex_on_commit,
    _require_manage,
    _require_perm,
    _text,
)
from xiangcun.core.validators import ids_storable
from xiangcun.sellers.selectors import seller_get

# A certificate names at most so many products (a brand's whole range fits).
PRODUCTS_MAX = 500
_Status = Certification.Status


def _checked_fields(
    *,
    kind: str,
    certificate_number: str,
    issuer: str,
    valid_from: datetime.date,
    valid_until: datetime.date | None,
) -> dict[str, object]:
    if kind not in Certification.Kind.values:
        raise InvalidCertificationKindError(field="kind")
    if valid_until is not None and valid_until < valid_from:
        raise InvalidCertificationError(field="valid_until")
    return {
        "kind": kind,
        "certificate_number": _text(certificate_number, field="certificate_number", max_length=60),
        "issuer": _text(issuer, field="issuer", max_length=120),
        "valid_from": valid_from,
        "valid_until": valid_until,
    }


def _product_ids(product_ids: Iterable[int], **owner: int) -> list[int]:
    """The named products, each existing and held by `owner` (seller_id= or brand_id=)."""
    ids = sorted(set(product_ids))
    if len(ids) > PRODUCTS_MAX or ids_storable(ids) != ids:
        raise CertificationProductsError(field="product_ids")
    found = set(Product.objects.filter(pk__in=ids, **owner).values_list("pk", flat=True))
    if found != set(ids):
        raise CertificationProductsError(field="product_ids")
    return ids


@transaction.atomic
def certification_add(
    *,
    actor: AnyUser,
    kind: str,
    certificate_number: str,
    issuer: str,
    valid_from: datetime.date,
    valid_until: datetime.date | None = None,
    brand_id: int | None = None,
    product_id: int | None = None,
    product_ids: Iterable[int] = (),
) -> Certification:
    """Staff record a certificate held by a brand or by one product (for example 扶贫产品),
    covering `product_ids` (a brand's certificate: only the brand's products; a product's
    covers that product). Recorded as checked when the actor may check certificates, else it
    waits for a check."""
    _require_perm(actor, "catalog.add_certification")
    fields = _checked_fields(
        kind=kind,
        certificate_number=certificate_number,
        issuer=issuer,
        valid_from=valid_from,
        valid_until=valid_until,
    )
    if (brand_id is None) == (product_id is None):
        raise InvalidCertificationError
    if brand_id is not None and not Brand.objects.filter(pk=brand_id).exists():
        raise BrandNotFoundError(field="brand_id")
    if product_id is not None and not Product.objects.filter(pk=product_id).exists():
        raise ProductNotFoundError(field="product_id")
    wanted = set(product_ids)
    if product_id is not None:
        wanted.add(product_id)
        covered = _product_ids(wanted)
    elif brand_id is not None and wanted:
        covered = _product_ids(wanted, brand_id=brand_id)
    else:
        covered = []
    checked = _has_perm(actor, VERIFY_PERMISSION)
    certification = Certification.objects.create(
        **fields,
        brand_id=brand_id,
        product_id=product_id,
        status=_Status.VERIFIED if checked else _Status.PENDING,
        verified_by_id=actor.pk if checked else None,
        verified_at=timezone.now() if checked else None,
    )
    certification.products.set(covered)
    _reindex_on_commit(covered)
    return certification


@transaction.atomic
def certification_submit(
    *,
    actor: AnyUser,
    seller_id: int,
    kind: str,
    certificate_number: str,
    issuer: str,
    valid_from: datetime.date,
    valid_until: datetime.date | None = None,
    product_ids: Iterable[int],
) -> Certification:
    """A shop sends in a certificate for some of its own products; it counts once staff have
    checked it (`certification_verify`)."""
    _require_manage(actor, seller_id)
    seller_get(seller_id=seller_id)
    fields = _checked_fields(
        kind=kind,
        certificate_number=certificate_number,
        issuer=issuer,
        valid_from=valid_from,
        valid_until=valid_until,
    )
    covered = _product_ids(product_ids, seller_id=seller_id)
    if not covered:
        raise CertificationProductsError(field="product_ids")
    certification = Certification.objects.create(**fields, seller_id=seller_id)
    certification.products.set(covered)
    return certification


@transaction.atomic
def certification_verify(
    *, actor: AnyUser, certification_id: int, approve: bool, note: str = ""
) -> Certification:
    """Staff check a waiting certificate against the paper: accepted, its products show the
    badge; refused, with a note the shop reads."""
    _require_perm(actor, VERIFY_PERMISSION)
    certification = Certification.objects.select_for_update().filter(pk=certification_id).first()
    if certification is None:
        raise CertificationNotFoundError
    if certification.status != _Status.PENDING:
        raise CertificationAlreadyCheckedError
    certification.status = _Status.VERIFIED if approve else _Status.REJECTED
    certification.verified_by_id = actor.pk
    certification.verified_at = timezone.now()
    certification.review_note = _text(note, field="note", max_length=200, required=not approve)
    certification.save(
        update_fields=["status", "verified_by", "verified_at", "review_note", "updated_at"]
    )
    _reindex_on_commit(certification.products.values_list("pk", flat=True))
    return certification


@transaction.atomic
def certification_cover(
    *, actor: AnyUser, certification_id: int, product_ids: Iterable[int]
) -> Certification:
    """Staff who check certificates set which products one covers (a brand's certificate: the
    brand's products only, e.g. a new product once the paper names it)."""
    _require_perm(actor, VERIFY_PERMISSION)
    certification = Certification.objects.select_for_update().filter(pk=certification_id).first()
    if certification is None:
        raise CertificationNotFoundError
    if certification.brand_id is not None:
        covered = _product_ids(product_ids, brand_id=certification.brand_id)
    elif certification.seller_id is not None:
        covered = _product_ids(product_ids, seller_id=certification.seller_id)
    else:
        covered = _product_ids(product_ids)
    before = set(certification.products.values_list("pk", flat=True))
    certification.products.set(covered)
    _reindex_on_commit(before | set(covered))
    return certification
