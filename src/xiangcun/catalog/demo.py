"""The demo catalogue and the large generated catalogue for benchmarks (see services)."""

import random
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone

from xiangcun.catalog import demo_data
from xiangcun.catalog.errors import DemoSellersMissingError
from xiangcun.catalog.models import (
    Brand,
    Category,
    Certification,
    Product,
    SearchSynonym,
    Variant,
)
from xiangcun.catalog.search.interface import search_backend
from xiangcun.catalog.types import CatalogDemoResult
from xiangcun.regions.errors import TownshipNotFoundError
from xiangcun.regions.selectors import townships_list, villages_for_township
from xiangcun.sellers.selectors import sellers_list

_LOCAL_KINDS = ("farmer", "cooperative", "craft_maker")
_OUTSIDE_KINDS = ("industrial_maker", "county_shop")


@dataclass(frozen=True)
class DemoLoad:
    summary: CatalogDemoResult
    product_ids: list[int]


def _villages() -> dict[str, int]:
    """Village ids by code, for every township the demo names (empty without the regions demo)."""
    codes = {code[:9] for code in (p.village_code for p in demo_data.PRODUCTS) if code}
    ids: dict[str, int] = {}
    for township_code in sorted(codes):
        try:
            ids.update({v.code: v.id for v in villages_for_township(township_code=township_code)})
        except TownshipNotFoundError:
            continue
    return ids


def _categories() -> dict[str, Category]:
    by_slug: dict[str, Category] = {}
    for position, (slug, name, name_en, direction, parent) in enumerate(demo_data.CATEGORIES):
        category, _created = Category.objects.update_or_create(
            slug=slug,
            defaults={
                "name": name,
                "name_en": name_en,
                "direction": direction,
                "parent": by_slug[parent] if parent else None,
                "position": position,
            },
        )
        by_slug[slug] = category
    return by_slug


def _township_ids(codes: set[str]) -> dict[str, int]:
    return {t.code: t.id for t in townships_list() if t.code in codes}


def _brands() -> dict[str, Brand]:
    townships = _township_ids({b.township_code for b in demo_data.BRANDS if b.township_code})
    by_slug: dict[str, Brand] = {}
    for data in demo_data.BRANDS:
        brand, _created = Brand.objects.update_or_create(
            slug=data.slug,
            defaults={
                "kind": data.kind,
                "name": data.name,
                "name_en": data.name_en,
                "story": data.story,
                "story_en": data.story_en,
                "origin_township_id": townships.get(data.township_code or ""),
                "origin_text": data.origin_text,
            },
        )
        for cert in data.certifications:
            Certification.objects.update_or_create(
                brand=brand,
                certificate_number=cert.certificate_number,
                defaults={
                    "kind": cert.kind,
                    "issuer": cert.issuer,
                    "valid_from": cert.valid_from,
                    "valid_until": cert.valid_until,
                    # Sample certificates, shown as checked by staff.
                    "status": Certification.Status.VERIFIED,
                    "verified_at": timezone.now(),
                },
            )
        by_slug[data.slug] = brand
    return by_slug


def _cover_certified(brands: dict[str, Brand], products_by_sku: dict[str, int]) -> None:
    """Each sample certificate names the products its data says (all the brand's if none)."""
    for data in demo_data.BRANDS:
        brand = brands[data.slug]
        for cert in data.certifications:
            skus = cert.covers or tuple(
                p.variants[0].sku for p in demo_data.PRODUCTS if p.brand == data.slug
            )
            row = Certification.objects.get(brand=brand, certificate_number=cert.certificate_number)
            row.products.set([products_by_sku[sku] for sku in skus if sku in products_by_sku])


def _synonyms(categories: dict[str, Category]) -> None:
    for word, means, category in demo_data.SYNONYMS:
        SearchSynonym.objects.update_or_create(
            word=word,
            defaults={"means": means, "category": categories.get(category), "is_active": True},
        )


def _seller_for(code: str, sellers: dict[str, Any], direction: str) -> Any:
    """The demo seller with this code, else any demo seller of a fitting kind."""
    if code in sellers:
        return sellers[code]
    kinds = _LOCAL_KINDS if direction == "up" else _OUTSIDE_KINDS
    fitting = [s for s in sellers.values() if s.kind in kinds] or list(sellers.values())
    return sorted(fitting, key=lambda s: s.pk)[0]


def demo_load(*, sellers: dict[str, Any]) -> DemoLoad:
    if not sellers:
        raise DemoSellersMissingError
    categories = _categories()
    brands = _brands()
    _synonyms(categories)
    villages = _villages()
    now = timezone.now()
    created = updated = 0
    product_ids: list[int] = []
    products_by_sku: dict[str, int] = {}
    for data in demo_data.PRODUCTS:
        category = categories[data.category]
        seller = _seller_for(data.seller, sellers, category.direction)
        values = {
            "seller_id": seller.pk,
            "category": category,
            "brand": brands[data.brand] if data.brand else None,
            "name": data.name,
            "name_en": data.name_en,
            "description": data.description,
            "description_en": data.description_en,
            "direction": category.direction,
            "is_fresh": data.is_fresh,
            "needs_cold_chain": data.needs_cold_chain,
            "shelf_life_days": data.shelf_life_days,
            "keep_frozen": data.keep_frozen,
            "fragile": data.fragile,
            "keeps_days": data.keeps_days,
            "origin_village_id": villages.get(data.village_code or ""),
            "status": Product.Status.LISTED,
        }
        existing = Variant.objects.filter(sku=data.variants[0].sku).select_related("product")
        variant = existing.first()
        if variant is None:
            product = Product.objects.create(**values, listed_at=now, submitted_at=now)
            created += 1
        else:
            product = variant.product
            for name, value in values.items():
                setattr(product, name, value)
            product.listed_at = product.listed_at or now
            product.save()
            updated += 1
        for position, v in enumerate(data.variants):
            Variant.objects.update_or_create(
                sku=v.sku,
                defaults={
                    "product": product,
                    "name": v.name,
                    "name_en": v.name_en,
                    "unit": v.unit,
                    "price": v.price,
                    "net_weight_g": v.net_weight_g,
                    "position": position,
                    "is_active": True,
                },
            )
        product_ids.append(product.pk)
        products_by_sku[data.variants[0].sku] = product.pk
    _cover_certified(brands, products_by_sku)
    summary = CatalogDemoResult(
        categories=len(categories),
        brands=len(brands),
        products=len(product_ids),
        created=created,
        updated=updated,
    )
    return DemoLoad(summary=summary, product_ids=product_ids)


# --- the generated catalogue -------------------------------------------------------------------

_CENT = Decimal("0.01")


def _price(rng: random.Random, base: Decimal) -> Decimal:
    factor = Decimal(str(round(rng.uniform(0.6, 1.8), 2)))
    # Prices end in .0 or .9 like shop prices do; ROUND_HALF_UP to the tenth, then cents.
    price = (base * factor).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
    if rng.random() < 0.3:
        price -= Decimal("0.1")
    return max(price, Decimal("0.9")).quantize(_CENT)


def demo_generate(
    *, count: int, progress: Callable[[int], object] | None, seed: int, batch_size: int = 1000
) -> int:
    templates = demo_data.PRODUCTS
    categories = {
        c.slug: c for c in Category.objects.filter(slug__in=[t.category for t in templates])
    }
    brands = {
        b.slug: b for b in Brand.objects.filter(slug__in=[t.brand for t in templates if t.brand])
    }
    if len(categories) < len({t.category for t in templates}):
        raise DemoSellersMissingError
    sellers = list(sellers_list(status="approved"))
    if not sellers:
        raise DemoSellersMissingError
    local = [s for s in sellers if s.kind in _LOCAL_KINDS] or sellers
    outside = [s for s in sellers if s.kind in _OUTSIDE_KINDS] or sellers
    villages = [v for t in townships_list() for v in villages_for_township(township_code=t.code)]
    rng = random.Random(seed)  # noqa: S311 - made-up demo data, not secrets
    run = uuid.uuid4().hex[:8]
    now = timezone.now()
    backend = search_backend()
    done = 0
    while done < count:
        size = min(batch_size, count - done)
        products: list[Product] = []
        plans: list[list[demo_data.VariantData]] = []
        for _ in range(size):
            template = rng.choice(templates)
            category = categories[template.category]
            up = category.direction == "up"
            modifier, modifier_en = rng.choice(demo_data.GENERATED_MODIFIERS)
            village = rng.choice(villages) if up and villages and rng.random() < 0.8 else None
            place = village.name if village is not None else ""
            place_en = f" from {village.name_en}" if village is not None else ""
            phrases = rng.sample(demo_data.GENERATED_PHRASES, 2)
            products.append(
                Product(
                    seller=rng.choice(local if up else outside),
                    category=category,
                    brand=brands.get(template.brand or "") if rng.random() < 0.6 else None,
                    name=f"{place}{modifier}{template.name}"[:120],
                    name_en=f"{modifier_en.capitalize()} {template.name_en}{place_en}"[:120],
                    description=phrases[0][0] + phrases[1][0],
                    description_en=f"{phrases[0][1]} {phrases[1][1]}",
                    direction=category.direction,
                    is_fresh=template.is_fresh,
                    needs_cold_chain=template.needs_cold_chain,
                    shelf_life_days=template.shelf_life_days,
                    keep_frozen=template.keep_frozen,
                    fragile=template.fragile,
                    keeps_days=template.keeps_days,
                    origin_village_id=village.id if village is not None else None,
                    status=Product.Status.LISTED,
                    submitted_at=now,
                    listed_at=now - timedelta(minutes=rng.randrange(0, 60 * 24 * 365)),
                )
            )
            plans.append(list(template.variants[: rng.randint(1, len(template.variants))]))
        with transaction.atomic():
            Product.objects.bulk_create(products)
            variants = [
                Variant(
                    product=product,
                    sku=f"GEN-{run}-{done + index}-{position}",
                    name=v.name,
                    name_en=v.name_en,
                    unit=v.unit,
                    price=_price(rng, v.price),
                    net_weight_g=v.net_weight_g,
                    position=position,
                )
                for index, (product, plan) in enumerate(zip(products, plans, strict=True))
                for position, v in enumerate(plan)
            ]
            Variant.objects.bulk_create(variants)
            backend.index_products([product.pk for product in products])
        done += size
        if progress is not None:
            progress(size)
    return done
