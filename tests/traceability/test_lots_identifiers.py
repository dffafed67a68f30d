"""GTIN check digits, GTINs for our products and GS1 Digital Link URIs."""

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pytest_django import Settings

from xiangcun.catalog.models import Variant
from xiangcun.traceability.errors import InvalidGtinError
from xiangcun.traceability.selectors import (
    digital_link,
    gtin_check_digit,
    gtin_for_variant,
    gtin_is_valid,
)

# Published examples: GS1's check digit calculator page, the GS1 Digital Link standard's
# example GTIN, a GTIN-8 and a UPC-A (GTIN-12) from GS1 guides, and a retail EAN-13.
KNOWN_GOOD = ["6291041500213", "09506000134352", "96385074", "036000291452", "4006381333931"]


@pytest.mark.parametrize("gtin", KNOWN_GOOD)
def test_published_gtins_have_the_check_digit_we_compute(gtin: str) -> None:
    assert gtin_check_digit(gtin[:-1]) == int(gtin[-1])
    assert gtin_is_valid(gtin)


@pytest.mark.parametrize(
    "gtin", ["6291041500214", "0950600013435", "12345", "abcdefghijklm", "", "62910415002133"]
)
def test_wrong_check_digits_lengths_and_letters_are_not_gtins(gtin: str) -> None:
    assert not gtin_is_valid(gtin)


@given(st.text(alphabet="0123456789", min_size=13, max_size=13))
def test_a_body_with_its_check_digit_is_valid(body: str) -> None:
    assert gtin_is_valid(body + str(gtin_check_digit(body)))


@given(
    st.text(alphabet="0123456789", min_size=13, max_size=13),
    st.integers(min_value=0, max_value=13),
    st.integers(min_value=1, max_value=9),
)
def test_changing_any_one_digit_breaks_the_check(body: str, position: int, shift: int) -> None:
    gtin = body + str(gtin_check_digit(body))
    changed = gtin[:position] + str((int(gtin[position]) + shift) % 10) + gtin[position + 1 :]
    assert not gtin_is_valid(changed)


def test_a_variant_without_a_barcode_gets_a_gtin14_under_our_company_prefix(
    blueberry_variant: Variant, settings: Settings
) -> None:
    settings.GS1_COMPANY_PREFIX = "6975858"
    gtin = gtin_for_variant(variant_id=blueberry_variant.pk)
    assert len(gtin) == 14
    assert gtin.startswith("06975858")
    assert gtin[8:13] == f"{blueberry_variant.pk:05d}"
    assert gtin_is_valid(gtin)


def test_a_variant_with_its_own_barcode_keeps_it_padded_to_14_digits(
    blueberry_variant: Variant,
) -> None:
    blueberry_variant.gtin = "6291041500213"
    blueberry_variant.save(update_fields=["gtin"])
    assert gtin_for_variant(variant_id=blueberry_variant.pk) == "06291041500213"


def test_a_variant_with_a_broken_barcode_is_refused(blueberry_variant: Variant) -> None:
    blueberry_variant.gtin = "6291041500214"
    blueberry_variant.save(update_fields=["gtin"])
    with pytest.raises(InvalidGtinError):
        gtin_for_variant(variant_id=blueberry_variant.pk)


def test_digital_link_names_the_gtin14_and_the_lot_on_our_resolver(settings: Settings) -> None:
    settings.DIGITAL_LINK_RESOLVER = "https://id.xiangcun.example/"
    link = digital_link(gtin="9506000134352", lot_code="DZ2611-0042")
    assert link == "https://id.xiangcun.example/01/09506000134352/10/DZ2611-0042"


def test_digital_link_percent_encodes_the_lot_as_gs1_requires() -> None:
    link = digital_link(gtin="09506000134352", lot_code="A/B 1%")
    assert link.endswith("/01/09506000134352/10/A%2FB%201%25")


def test_digital_link_refuses_an_invalid_gtin() -> None:
    with pytest.raises(InvalidGtinError):
        digital_link(gtin="09506000134353", lot_code="X")
