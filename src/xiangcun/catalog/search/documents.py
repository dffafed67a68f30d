"""What the index knows about a product: its weighted terms and its filter columns.

Built from the database for any search backend, so a search server indexes exactly what the
built-in index does.

Weights decide the order of a search (the backend sums, over the query's parts, the weight of
each part's best matching term, 1..16). A name's words and their full pinyin weigh most, then
its characters and their syllables and runs of characters, then the pinyin of the whole name,
then initials; brand, category, synonym and other words (shop, place, description) less; a
description's Chinese words give no pinyin terms.
Matching is by prefix, so a shorter latin name term is worth more than a longer one of the same
kind: what a query matches exactly (`mi` in 丹寨古法红米) outranks what it only starts
(`mi` of `miao` in 苗银): see `_shorter_is_closer`.
"""

import datetime
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Min, Q

from xiangcun.catalog.models import Product
from xiangcun.catalog.search.synonyms import SynonymRule, synonym_rules, synonym_terms
from xiangcun.catalog.search.text import name_term_groups, name_terms, text_terms

# Where a term came from decides its weight; a term found in several places adds them up (to
# WEIGHT_MAX at most). Within the name a term weighs what its best kind does.
WEIGHT_NAME_WORD = 12
WEIGHT_NAME_CHARACTER = 10
WEIGHT_NAME_RUN = 10
WEIGHT_NAME_WHOLE = 9
WEIGHT_NAME_INITIALS = 7
WEIGHT_NAME_RUN_INITIALS = 5
# Added to the terms of what the goods are (the name's last word, see NameTerms.head).
HEAD_BONUS = 2
WEIGHT_BRAND = 5
WEIGHT_CATEGORY = 3
# A synonym through a word of the product's name, through its category.
WEIGHT_SYNONYM = 4
WEIGHT_SYNONYM_CATEGORY = 2
WEIGHT_OTHER = 1
WEIGHT_MAX = 16
# The longest penalty for a long latin name term (see _shorter_is_closer).
LENGTH_PENALTY_MAX = 5


@dataclass(frozen=True)
class ProductDocument:
    product_id: int
    terms: dict[str, int]
    category_id: int
    brand_id: int | None
    seller_id: int
    township_id: int | None
    direction: str
    min_price: Decimal | None
    listed_at: datetime.datetime


def _shorter_is_closer(term: str, weight: int) -> int:
    """A latin term loses a point per letter beyond two, a Chinese one two per character
    beyond one (at most LENGTH_PENALTY_MAX): `mi` keeps its weight and `miao` loses two, so
    the query `mi` ranks 米 above 苗; 米 ranks 大米 (which has the character) above 米粉."""
    extra = len(term) - 2 if term.isascii() else 2 * (len(term) - 1)
    return max(1, weight - min(LENGTH_PENALTY_MAX, max(0, extra)))


def _name_weights(name: str, name_en: str) -> dict[str, int]:
    groups = name_term_groups(name)
    weights: dict[str, int] = {}
    for weight, terms in (
        (WEIGHT_NAME_RUN_INITIALS, groups.run_initials),
        (WEIGHT_NAME_INITIALS, groups.initials),
        (WEIGHT_NAME_WHOLE, groups.whole),
        (WEIGHT_NAME_RUN, groups.runs),
        (WEIGHT_NAME_CHARACTER, groups.characters),
        (WEIGHT_NAME_WORD, groups.words | text_terms(name_en)),
    ):
        for term in terms:
            weights[term] = max(weights.get(term, 0), _shorter_is_closer(term, weight))
    for term in groups.head:
        if term in weights:
            weights[term] += HEAD_BONUS
    return weights


def _document(product: Product, rules: list[SynonymRule]) -> ProductDocument:
    seller = product.seller
    village = product.origin_village
    category = product.category
    groups: list[tuple[int, set[str]]] = [
        (WEIGHT_CATEGORY, set(text_terms(category.name)) | text_terms(category.name_en)),
    ]
    category_ids = [category.pk]
    category_texts = [category.name, category.name_en]
    if category.parent is not None:
        parent = category.parent
        groups.append((WEIGHT_CATEGORY, set(text_terms(parent.name)) | text_terms(parent.name_en)))
        category_ids.append(parent.pk)
        category_texts += [parent.name, parent.name_en]
    if product.brand is not None:
        brand = product.brand
        groups.append((WEIGHT_BRAND, set(name_terms(brand.name)) | text_terms(brand.name_en)))
    if rules:
        by_name, by_category = synonym_terms(
            rules,
            names=[product.name, product.name_en],
            categories=category_texts,
            category_ids=category_ids,
        )
        groups += [(WEIGHT_SYNONYM, by_name), (WEIGHT_SYNONYM_CATEGORY, by_category)]
    other: set[str] = set()
    places = [seller.name, seller.name_en, seller.origin_text]
    if village is not None:
        places += [village.name, village.name_en, village.township.name, village.township.name_en]
    elif seller.village is not None:
        places += [seller.village.name, seller.village.name_en]
    if seller.township is not None:
        places += [seller.township.name, seller.township.name_en]
    for text in places:
        other |= text_terms(text)
    # A description is found by its own words, not by their pinyin (a sixth of the index's
    # terms for the least weighty of them): pinyin finds a product by its name, category,
    # brand and place.
    for text in (product.description, product.description_en):
        other |= text_terms(text, pinyin=False)
    groups.append((WEIGHT_OTHER, other))
    terms: dict[str, int] = defaultdict(int, _name_weights(product.name, product.name_en))
    for weight, group in groups:
        for term in group:
            terms[term] += weight
    township_id = village.township_id if village is not None else seller.township_id
    return ProductDocument(
        product_id=product.pk,
        terms={term: min(WEIGHT_MAX, weight) for term, weight in terms.items()},
        category_id=product.category_id,
        brand_id=product.brand_id,
        seller_id=product.seller_id,
        township_id=township_id,
        direction=product.direction,
        min_price=getattr(product, "min_active_price", None),
        listed_at=product.listed_at or product.created_at,
    )


def product_documents(product_ids: Iterable[int]) -> list[ProductDocument]:
    """Documents of the LISTED products among `product_ids`; others are not searchable."""
    products = (
        Product.objects.filter(pk__in=list(product_ids), status=Product.Status.LISTED)
        .select_related(
            "category__parent",
            "brand",
            "seller__village",
            "seller__township",
            "origin_village__township",
        )
        .annotate(min_active_price=Min("variants__price", filter=Q(variants__is_active=True)))
        .order_by("pk")
    )
    rules = synonym_rules()
    return [_document(product, rules) for product in products]
