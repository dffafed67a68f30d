"""Staff-edited synonyms (`SearchSynonym`), applied when products are indexed.

A synonym is a word shoppers type (银饰, 蜂糖, jewellery) and what it stands for: words found in
product names (`means`) and/or a category. A product it applies to gets the word's terms at a
low weight (documents.WEIGHT_SYNONYM), so the word finds the product without outranking
products that carry the word themselves. The index is the only place synonyms act: queries are
not expanded, so a query stays one probe per part.
"""

import re
from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Q

from xiangcun.catalog.models import Product, SearchSynonym
from xiangcun.catalog.search.text import name_terms, normalise

# Synonym words a product may collect at most: each is a handful of index rows.
MEANS_MAX = 12
_SEPARATORS = re.compile(r"[\s,，、;；]+")


@dataclass(frozen=True)
class SynonymRule:
    """One active synonym as the indexer applies it."""

    terms: frozenset[str]
    means: tuple[str, ...]
    category_id: int | None


def means_words(means: str) -> tuple[str, ...]:
    """The words of a `means` field: `苗银, 银手镯` -> (苗银, 银手镯), lower-case, no repeats."""
    words = (normalise(word) for word in _SEPARATORS.split(means) if word.strip())
    return tuple(dict.fromkeys(words))[:MEANS_MAX]


def synonym_rules() -> list[SynonymRule]:
    """The active synonyms (one query; read once per indexing batch)."""
    rules = []
    for word, means, category_id in SearchSynonym.objects.filter(is_active=True).values_list(
        "word", "means", "category_id"
    ):
        terms = name_terms(word)
        if terms:
            rules.append(SynonymRule(terms, means_words(means), category_id))
    return rules


def synonym_terms(
    rules: Iterable[SynonymRule],
    *,
    names: Iterable[str],
    categories: Iterable[str],
    category_ids: Iterable[int],
) -> tuple[set[str], set[str]]:
    """The terms a product gains from `rules`, as (through its own name, through its category
    only): `names` are its names, `categories` its category's and parent's names (any case),
    `category_ids` their ids. A product whose name holds a meant word is the closer answer."""
    name_text = "\n".join(normalise(text) for text in names if text)
    category_text = "\n".join(normalise(text) for text in categories if text)
    ids = set(category_ids)
    by_name: set[str] = set()
    by_category: set[str] = set()
    for rule in rules:
        if any(word in name_text for word in rule.means):
            by_name |= rule.terms
        elif (rule.category_id is not None and rule.category_id in ids) or any(
            word in category_text for word in rule.means
        ):
            by_category |= rule.terms
    return by_name, by_category


def products_touched(*, means: Iterable[str], category_ids: Iterable[int]) -> list[int]:
    """Listed products a synonym with these words and categories applies to (for re-indexing
    after an edit: call it with the old and the new values)."""
    condition = Q()
    for word in means:
        condition |= (
            Q(name__icontains=word)
            | Q(name_en__icontains=word)
            | Q(category__name__icontains=word)
            | Q(category__name_en__icontains=word)
            | Q(category__parent__name__icontains=word)
            | Q(category__parent__name_en__icontains=word)
        )
    ids = [pk for pk in category_ids if pk is not None]
    if ids:
        condition |= Q(category_id__in=ids) | Q(category__parent_id__in=ids)
    if not condition:
        return []
    rows = Product.objects.filter(condition, status=Product.Status.LISTED)
    return list(rows.order_by("pk").values_list("pk", flat=True))
