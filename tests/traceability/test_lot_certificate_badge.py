"""A certificate staff checked, attached to a harvest lot, is shown as checked on the lot's
trace page and makes the product certified only while that lot is on sale (one rule:
`catalog.certified`)."""

import datetime

import pytest
from django.test import Client
from django.utils import timezone

from xiangcun.accounts.models import User
from xiangcun.catalog.models import Certification, Variant
from xiangcun.catalog.selectors import (
    certified_product_ids,
    product_certifications,
    product_get,
)
from xiangcun.inventory.models import Stock
from xiangcun.inventory.services import stock_adjust
from xiangcun.traceability import services
from xiangcun.traceability.errors import InvalidCertificateError
from xiangcun.traceability.identifiers import digital_link_path
from xiangcun.traceability.models import Lot


def _certification(seller_id: int, *, status: str = "verified") -> Certification:
    today = timezone.localdate()
    return Certification.objects.create(
        kind=Certification.Kind.ORGANIC,
        seller_id=seller_id,
        certificate_number="ORG-DZ-2026-7",
        issuer="中绿华夏有机食品认证中心",
        valid_from=today - datetime.timedelta(days=30),
        status=status,
        verified_at=timezone.now() if status != "pending" else None,
    )


def _attach(lot: Lot, farmer: User, certification: Certification | None) -> None:
    services.lot_certificate_add(
        actor=farmer,
        lot_id=lot.pk,
        kind="organic",
        number="ORG-DZ-2026-7",
        issuer="中绿华夏有机食品认证中心",
        issued_on=timezone.localdate(),
        certification_id=certification.pk if certification is not None else None,
    )


def _certified(variant: Variant) -> bool:
    product_id = variant.product_id
    return product_id in certified_product_ids(product_ids=[product_id], on=timezone.localdate())


def test_a_checked_lot_certificate_counts_only_while_the_lot_is_on_sale(
    lot: Lot, farmer: User, blueberry_variant: Variant
) -> None:
    certification = _certification(lot.seller_id)
    _attach(lot, farmer, certification)
    # Named by no product, and the lot has nothing in stock yet.
    assert not _certified(blueberry_variant)
    assert product_certifications(blueberry_variant.product) == []

    services.lot_pack(actor=farmer, lot_id=lot.pk, packs={blueberry_variant.pk: 5})

    assert _certified(blueberry_variant)
    assert product_certifications(blueberry_variant.product) == [certification]
    # The product page's product (its lot flag read with it) says the same.
    page_product = product_get(product_id=blueberry_variant.product_id)
    assert product_certifications(page_product) == [certification]

    farm_stock = Stock.objects.get(variant=blueberry_variant)
    stock_adjust(
        actor=farmer, variant_id=blueberry_variant.pk, location_id=farm_stock.location_id, counted=0
    )
    assert not _certified(blueberry_variant)
    assert product_certifications(blueberry_variant.product) == []
    page_product = product_get(product_id=blueberry_variant.product_id)
    assert product_certifications(page_product) == []


def test_an_unchecked_certificate_on_a_lot_counts_for_nothing(
    lot: Lot, farmer: User, blueberry_variant: Variant, client: Client
) -> None:
    _attach(lot, farmer, _certification(lot.seller_id, status="pending"))
    services.lot_pack(actor=farmer, lot_id=lot.pk, packs={blueberry_variant.pk: 5})

    assert not _certified(blueberry_variant)
    page = client.get(digital_link_path(gtin=lot.gtin, lot_code=lot.code)).content.decode()
    assert "ORG-DZ-2026-7" in page
    assert 'data-testid="certificate-checked"' not in page


def test_the_trace_page_marks_a_checked_certificate(lot: Lot, farmer: User, client: Client) -> None:
    _attach(lot, farmer, _certification(lot.seller_id))
    _attach(lot, farmer, None)  # the farm's own compliance paper: shown, not checked

    page = client.get(digital_link_path(gtin=lot.gtin, lot_code=lot.code)).content.decode()

    assert page.count("ORG-DZ-2026-7") == 2
    assert page.count('data-testid="certificate-checked"') == 1


def test_another_farms_certificate_cannot_be_attached(
    lot: Lot, farmer: User, other_variant: Variant
) -> None:
    theirs = _certification(other_variant.product.seller_id)
    with pytest.raises(InvalidCertificateError) as refused:
        _attach(lot, farmer, theirs)
    assert refused.value.field == "certification_id"
    assert not lot.certificates.exists()
