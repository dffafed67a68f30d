"""Reads of the catalogue shaped for pages and the API: search, product pages, brands, categories.

Every list comes with what a product card shows (seller, brand, category, origin village, first
photo, variants, certifications) fetched in a fixed number of queries, whatever the page size.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Iterable
from dataclasses import fields
from decimal import Decimal
from typing import Any, TypeVar

from django.db.models import Count, Prefetch, Q, QuerySet
from django.utils import timezone

from xiangcun.accounts.types import AnyUser
from xiangcun.catalog import certified
from xiangcun.catalog.availability import (
    register_availability_source as register_availability_source,
)
from xiangcun.catalog.availability import variant_availability as variant_availability
from xiangcun.catalog.cards import product_cards
from xiangcun.catalog.cards import product_items as product_items
from xiangcun.catalog.errors import (
    BrandNotFoundError,
    CategoryNotFoundError,
    CertificationNotFoundError,
    InvalidDirectionError,
    InvalidPageError,
    InvalidPriceRangeError,
    InvalidSortError,
    ProductNotFoundError,
    VariantNotFoundError,
)
from xiangcun.catalog.fragments import Fragment as Fragment
from xiangcun.catalog.fragments import catalog_version as catalog_version
from xiangcun.catalog.fragments import storefront_fragment as storefront_fragment
from xiangcun.catalog.models import (
    Brand,
    Category,
    Certification,
    Direction,
    Product,
    ProductPhoto,
    Variant,
)
from xiangcun.catalog.search import backend as search_index
from xiangcun.catalog.search.interface import SORTS, SearchQuery, search_backend
from xiangcun.catalog.search.relax import relaxed_search
from xiangcun.catalog.types import (
    BrandCounts,
    ProductCard,
    ProductImpact,
    ProductOffer,
    SearchPage,
    VariantOption,
)
from xiangcun.core.types import Page
from xiangcun.core.validators import ids_storable
from xiangcun.regions.selectors import township_id_for_code
from xiangcun.sellers.selectors import seller_can_manage

T = TypeVar("T")

REVIEW_PERMISSION = "catalog.review_product"
PAGE_SIZE_MAX = 100
# Past this a page number is a typo or a probe (and its OFFSET would overflow the database).
PAGE_MAX = 1_000_000
_FIRST_PHOTO = "first_photo_prefetched"


# --- product cards -----------------------------------------------------------------------------


def _with_card(
    rows: QuerySet[Product], *, all_photos: bool = False, variants: bool = True
) -> QuerySet[Product]:
    photos = ProductPhoto.objects.order_by("position", "id")
    rows = certified.with_lot_certified(rows, on=timezone.localdate())
    return rows.select_related(
        "seller", "brand", "category__parent", "origin_village__township"
    ).prefetch_related(
        *(
            [Prefetch("variants", queryset=Variant.objects.order_by("position", "id"))]
            if variants
            else []
        ),
        # Cards show one photo: a sliced prefetch fetches only each product's first.
        Prefetch("photos", queryset=photos)
        if all_photos
        else Prefetch("photos", queryset=photos[:1], to_attr=_FIRST_PHOTO),
        Prefetch(
            "covering_certifications",
            queryset=Certification.objects.filter(status=Certification.Status.VERIFIED).order_by(
                "valid_from", "id"
            ),
        ),
    )


def product_active_variants(product: Product) -> list[Variant]:
    """Variants on sale, from the prefetched variants when there are."""
    return [variant for variant in product.variants.all() if variant.is_active]


def product_display_price(product: Product) -> Decimal | None:
    """The "from" price of a card: the lowest price among variants on sale (None if none)."""
    prices = [variant.price for variant in product_active_variants(product)]
    return min(prices) if prices else None


def product_first_photo(product: Product) -> ProductPhoto | None:
    """The photo a card shows (prefetched by every selector here)."""
    prefetched: list[ProductPhoto] | None = getattr(product, _FIRST_PHOTO, None)
    photos = prefetched if prefetched is not None else list(product.photos.all())
    return photos[0] if photos else None


# The rule of what is certified (see `catalog.certified`), for other apps and the search backend.
certification_is_valid = certified.certification_is_valid
certified_product_ids = certified.certified_product_ids
certified_products_sql = certified.certified_products_sql
lot_certificates_register = certified.lot_certificates_register
valid_certification_ids = certified.valid_certification_ids


def product_certifications(
    product: Product, *, on: datetime.date | None = None
) -> list[Certification]:
    """Certificates that cover this product on a day (today by default): checked by staff,
    valid that day and naming the product, or carried by a lot of it on sale (see
    `catalog.certified`)."""
    day = on or timezone.localdate()
    named = [
        cert
        for cert in product.covering_certifications.all()
        if certification_is_valid(cert, on=day)
    ]
    seen = {cert.pk for cert in named}
    if on is None and getattr(product, certified.LOT_CERTIFIED, None) is False:
        return named  # a card's product: no lot of it on sale carries one (known, no query)
    carried = certified.lot_carried_certifications(product_id=product.pk, on=day)
    return named + [cert for cert in carried if cert.pk not in seen]


def product_is_certified(product: Product, *, on: datetime.date | None = None) -> bool:
    return bool(product_certifications(product, on=on))


# --- search ------------------------------------------------------------------------------------


def _category_ids(slug: str) -> tuple[int, ...] | None:
    """The category and its children (two levels, as the catalogue has); None if unknown."""
    rows = list(
        Category.objects.filter(
            Q(slug=slug) | Q(parent__slug=slug) | Q(parent__parent__slug=slug)
        ).values_list("pk", "slug")
    )
    if not any(row_slug == slug for _, row_slug in rows):
        return None
    return tuple(sorted(pk for pk, _ in rows))


def _products_in_order(ids: list[int]) -> list[Product]:
    by_id = {product.pk: product for product in _with_card(Product.objects.filter(pk__in=ids))}
    return [by_id[pk] for pk in ids if pk in by_id]


def products_cards(*, product_ids: Iterable[int]) -> list[Product]:
    """Products with what a card shows (variants, first photo), in the order given, whatever
    their status (the caller keeps those on sale); a fixed number of queries."""
    return _products_in_order(list(dict.fromkeys(ids_storable(product_ids))))


# Categories and brands are named by SlugField (ASCII, at most 60): anything else names none,
# and is not sent to the database (which cannot even encode a lone surrogate).
_SLUG = re.compile(r"[-a-zA-Z0-9_]{1,60}")


def _slug_may_exist(slug: str | None) -> bool:
    return not slug or _SLUG.fullmatch(slug) is not None


def product_ids_search(
    *,
    query: str = "",
    category: str | None = None,
    brand: str | None = None,
    township: str | None = None,
    certified: bool | None = None,
    direction: str | None = None,
    price_min: Decimal | None = None,
    price_max: Decimal | None = None,
    sort: str = "relevance",
    page: int = 1,
    page_size: int = 20,
) -> SearchPage[int]:
    """Ids of the listed products matching the text (Chinese, pinyin, initials or English) and
    the filters, one page of them best first, with how many matched.

    `category` is a slug and includes its children, `brand` a slug, `township` a division
    code (the origin village's township, else the shop's); `certified` keeps products whose
    brand or self holds a certificate valid today; prices filter on the lowest active price.
    Unknown slugs and codes match nothing. Sorts: relevance, price, -price, new.

    Text that finds nothing as typed is searched looser (search/relax.py: a spelling fixed,
    pinyin split, fewer words, characters): then `relaxed` says how and `searched` what.
    """
    if sort not in SORTS:
        raise InvalidSortError(field="sort")
    if not 1 <= page <= PAGE_MAX:
        raise InvalidPageError(field="page")
    if direction and direction not in Direction.values:
        raise InvalidDirectionError(field="direction")
    for field, price in (("price_min", price_min), ("price_max", price_max)):
        if price is not None and not price.is_finite():  # comparing a NaN raises
            raise InvalidPriceRangeError(field=field)
    if price_min is not None and price_max is not None and price_min > price_max:
        raise InvalidPriceRangeError(field="price_min")
    page_size = max(1, min(page_size, PAGE_SIZE_MAX))
    empty = SearchPage[int](items=[], count=0, page=page, page_size=page_size)
    if not all(_slug_may_exist(slug) for slug in (category, brand)):
        return empty
    category_ids: tuple[int, ...] = ()
    if category:
        found = _category_ids(category)
        if found is None:
            return empty
        category_ids = found
    brand_id = None
    if brand:
        brand_id = Brand.objects.filter(slug=brand).values_list("pk", flat=True).first()
        if brand_id is None:
            return empty
    township_id = None
    if township:
        township_id = township_id_for_code(code=township)
        if township_id is None:
            return empty
    relaxed = relaxed_search(
        search_backend(),
        SearchQuery(
            text=query.strip()[:100],
            category_ids=category_ids,
            brand_id=brand_id,
            township_id=township_id,
            certified=bool(certified),
            direction=direction or None,
            price_min=price_min,
            price_max=price_max,
            sort=sort,
            offset=(page - 1) * page_size,
            limit=page_size,
        ),
    )
    hits = relaxed.hits
    return SearchPage(
        items=list(hits.product_ids),
        count=hits.count,
        page=page,
        page_size=page_size,
        count_capped=hits.count >= search_index.COUNT_CAP,
        relaxed=relaxed.how,
        searched=relaxed.text,
    )


def _page_of(found: SearchPage[int], items: list[T]) -> SearchPage[T]:
    """The page of ids with these items instead, every other field (count, ...) as it was."""
    return SearchPage(**{**{f.name: getattr(found, f.name) for f in fields(found)}, "items": items})


def products_search(**filters: Any) -> SearchPage[Product]:
    """`product_ids_search` (same filters, same checks) with the products as models."""
    found = product_ids_search(**filters)
    return _page_of(found, _products_in_order(found.items) if found.items else [])


def product_items_search(**filters: Any) -> SearchPage[dict[str, Any]]:
    """`product_ids_search` (same filters, same checks) with the products as the API shows
    them (`cards.product_items`: plain values, each variant's stock)."""
    found = product_ids_search(**filters)
    return _page_of(found, product_items(product_ids=found.items))


def product_cards_search(**filters: Any) -> SearchPage[ProductCard]:
    """`product_ids_search` (same filters, same checks) with the products' cards, for pages."""
    found = product_ids_search(**filters)
    return _page_of(found, product_cards(product_ids=found.items))


# --- one product, a shop's products --------------------------------------------------------------


def product_can_see_unlisted(*, user: AnyUser | None, product: Product | ProductOffer) -> bool:
    if user is None or not user.is_authenticated:
        return False
    if user.has_perm(REVIEW_PERMISSION):
        return True
    return seller_can_manage(user=user, seller_id=product.seller_id)


def product_get(
    *, product_id: int, for_user: AnyUser | None = None, variants: bool = True
) -> Product:
    """A product with everything its page shows (its variants unless `variants=False`: the
    storefront page has them from `product_offer_get`). Unlisted products only for those who
    manage the shop and for reviewers; anyone else gets ProductNotFoundError (nothing to probe)."""
    rows = Product.objects.filter(pk=product_id)
    product = _with_card(rows, all_photos=True, variants=variants).first()
    if product is None:
        raise ProductNotFoundError
    if product.status != Product.Status.LISTED and not product_can_see_unlisted(
        user=for_user, product=product
    ):
        raise ProductNotFoundError
    return product


def product_offer_get(*, product_id: int, for_user: AnyUser | None = None) -> ProductOffer:
    """The part of a product page that is never cached, as plain values in one query: status,
    shop, name and the options on sale. Same rule as `product_get` for unlisted products."""
    rows = list(
        Product.objects.filter(pk=product_id)
        .values(
            "status",
            "seller_id",
            "name",
            "name_en",
            "variants__id",
            "variants__name",
            "variants__name_en",
            "variants__price",
            "variants__unit",
            "variants__is_active",
        )
        .order_by("variants__position", "variants__id")
    )
    if not rows:
        raise ProductNotFoundError
    first = rows[0]
    offer = ProductOffer(
        id=product_id,
        status=first["status"],
        seller_id=first["seller_id"],
        name=first["name"],
        name_en=first["name_en"],
        # One row per variant (one row of NULLs when there is none).
        options=[
            VariantOption(
                id=row["variants__id"],
                name=row["variants__name"],
                name_en=row["variants__name_en"],
                price=row["variants__price"],
                unit=row["variants__unit"],
            )
            for row in rows
            if row["variants__is_active"]
        ],
    )
    if offer.status != Product.Status.LISTED and not product_can_see_unlisted(
        user=for_user, product=offer
    ):
        raise ProductNotFoundError
    return offer


def products_for_seller(*, seller_id: int, listed_only: bool = False) -> list[Product]:
    """A shop's products, newest first, every status unless `listed_only` (the shop page)."""
    rows = Product.objects.filter(seller_id=seller_id)
    if listed_only:
        rows = rows.filter(status=Product.Status.LISTED)
    return list(_with_card(rows.order_by("-id")))


def product_items_for_seller(*, seller_id: int) -> list[dict[str, Any]]:
    """A shop's listed products, newest first, as the API shows them (`cards.product_items`)."""
    rows = Product.objects.filter(seller_id=seller_id, status=Product.Status.LISTED)
    return product_items(product_ids=rows.order_by("-id").values_list("pk", flat=True))


def product_cards_for_seller(
    *, seller_id: int, page: int = 1, page_size: int = 20
) -> Page[ProductCard]:
    """One page of a shop's listed products, newest first, as cards (the shop page). A page
    past the last is the last, as Django's `Paginator.get_page` gives."""
    page_size = max(1, min(page_size, PAGE_SIZE_MAX))
    rows = Product.objects.filter(seller_id=seller_id, status=Product.Status.LISTED)
    count = rows.count()
    page = max(1, min(page, -(-count // page_size)))
    start = (page - 1) * page_size
    ids = list(rows.order_by("-id").values_list("pk", flat=True)[start : start + page_size])
    return Page(items=product_cards(product_ids=ids), count=count, page=page, page_size=page_size)


def listed_product_counts(*, seller_ids: Iterable[int]) -> dict[int, int]:
    """Listed products per shop (registered with sellers for its shop lists)."""
    rows = (
        Product.objects.filter(seller_id__in=list(seller_ids), status=Product.Status.LISTED)
        .values("seller_id")
        .annotate(count=Count("id"))
    )
    return {row["seller_id"]: row["count"] for row in rows}


# --- brands and categories ---------------------------------------------------------------------


def _checked_certifications() -> QuerySet[Certification]:
    return Certification.objects.filter(status=Certification.Status.VERIFIED).order_by(
        "valid_from", "id"
    )


def brand_certifications(brand: Brand, *, on: datetime.date | None = None) -> list[Certification]:
    """The brand's own certificates that count on a day (today by default); what each covers
    is on the certificate (a brand's certificate is not its products')."""
    day = on or timezone.localdate()
    return [cert for cert in brand.certifications.all() if certification_is_valid(cert, on=day)]


VERIFY_PERMISSION = "catalog.verify_certification"


def certification_may_verify(*, user: AnyUser) -> bool:
    """Staff holding `catalog.verify_certification` (brand and programme managers)."""
    return bool(user.is_authenticated and user.is_active and user.has_perm(VERIFY_PERMISSION))


def _certifications_with_products() -> QuerySet[Certification]:
    return Certification.objects.select_related("seller", "brand", "product").prefetch_related(
        Prefetch("products", queryset=Product.objects.order_by("id"))
    )


def certifications_for_seller(*, seller_id: int) -> list[Certification]:
    """The certificates a shop sent in, newest first, with the products each names."""
    rows = _certifications_with_products().filter(seller_id=seller_id)
    return list(rows.order_by("-id")[:200])


def certifications_waiting() -> QuerySet[Certification]:
    """Certificates waiting for a staff check, oldest first, with the products each names."""
    rows = _certifications_with_products().filter(status=Certification.Status.PENDING)
    return rows.order_by("created_at", "id")


def certification_get(*, certification_id: int) -> Certification:
    certification = _certifications_with_products().filter(pk=certification_id).first()
    if certification is None:
        raise CertificationNotFoundError
    return certification


def brands_list() -> list[Brand]:
    """Active brands by name, certifications prefetched."""
    return list(
        Brand.objects.filter(is_active=True)
        .select_related("origin_township")
        .prefetch_related(Prefetch("certifications", queryset=_checked_certifications()))
        .order_by("name")
    )


def brand_get(*, slug: str) -> Brand:
    brand = (
        Brand.objects.filter(slug=slug, is_active=True)
        .select_related("origin_township")
        .prefetch_related(Prefetch("certifications", queryset=_checked_certifications()))
        .first()
    )
    if brand is None:
        raise BrandNotFoundError
    return brand


def brand_counts(*, brand_ids: Iterable[int]) -> dict[int, BrandCounts]:
    """Listed products and distinct shops per brand, in one query."""
    ids = list(brand_ids)
    counts = dict.fromkeys(ids, BrandCounts(products=0, sellers=0))
    rows = (
        Product.objects.filter(brand_id__in=ids, status=Product.Status.LISTED)
        .values("brand_id")
        .annotate(products=Count("id"), sellers=Count("seller_id", distinct=True))
    )
    for row in rows:
        counts[row["brand_id"]] = BrandCounts(products=row["products"], sellers=row["sellers"])
    return counts


def categories_list() -> list[Category]:
    """Every category in display order (parents and children; build the tree from `parent`)."""
    return list(Category.objects.order_by("position", "id"))


def category_get(*, slug: str) -> Category:
    category = Category.objects.select_related("parent").filter(slug=slug).first()
    if category is None:
        raise CategoryNotFoundError
    return category


# --- variants by id or SKU (traceability labels and demo lots) -------------------------------


def variant_get(*, variant_id: int) -> Variant:
    """One variant with its product and shop, whatever their status; VariantNotFoundError."""
    variant = Variant.objects.select_related("product__seller").filter(pk=variant_id).first()
    if variant is None:
        raise VariantNotFoundError
    return variant


def variants_by_sku(*, skus: Iterable[str]) -> dict[str, Variant]:
    """{sku: variant} (product and shop joined) for the SKUs that exist; one query."""
    rows = Variant.objects.select_related("product__seller").filter(sku__in=list(skus))
    return {variant.sku: variant for variant in rows}


def variant_sellers(*, variant_ids: Iterable[int]) -> dict[int, int]:
    """{variant_id: seller_id} for the variants that exist, whatever their status; one query."""
    rows = Variant.objects.filter(pk__in=ids_storable(variant_ids)).values_list(
        "pk", "product__seller_id"
    )
    return {int(variant_id): int(seller_id) for variant_id, seller_id in rows}


def variants_for_order(*, variant_ids: Iterable[int]) -> dict[int, Variant]:
    """{variant_id: variant} with its product joined, for the variants that exist whatever
    their status (the caller tells "not on sale" from `variant_on_sale`); one query.

    For checkout and the cart: orders copies name, SKU, unit, price and the product's seller
    from these onto its lines. No rows are locked: a price or listing change during a checkout
    is harmless (the order keeps what it copied), and the stock rows are what checkout locks."""
    rows = Variant.objects.select_related("product").filter(pk__in=ids_storable(variant_ids))
    return {variant.pk: variant for variant in rows}


def product_is_listed(product: Product) -> bool:
    """Whether buyers can find and buy the product (its page is public)."""
    return product.status == Product.Status.LISTED


def variant_on_sale(variant: Variant) -> bool:
    """Whether a variant can be bought: itself on sale and its product listed."""
    return variant.is_active and variant.product.status == Product.Status.LISTED


# --- For the programme's figures (impact) ---------------------------------------------------


def products_impact(*, product_ids: Iterable[int], on: datetime.date) -> dict[int, ProductImpact]:
    """Each product's top-level category and whether it was a certified poverty-alleviation
    product (扶贫产品) on `on` (a checked certificate valid that day names it). A few
    queries whatever the number of products."""
    ids = sorted(set(product_ids))
    parents = dict(Category.objects.values_list("pk", "parent_id"))

    def top(category_id: int | None) -> int | None:
        seen: set[int] = set()
        while category_id is not None and parents.get(category_id) and category_id not in seen:
            seen.add(category_id)
            category_id = parents[category_id]
        return category_id

    rows: list[tuple[int, int, int | None]] = []
    for start in range(0, len(ids), 900):
        rows += Product.objects.filter(pk__in=ids[start : start + 900]).values_list(
            "pk", "category_id", "brand_id"
        )
    certified = certified_product_ids(
        product_ids=ids, on=on, kind=Certification.Kind.POVERTY_ALLEVIATION
    )
    return {
        pk: ProductImpact(pk, top(category_id), pk in certified)
        for pk, category_id, _brand_id in rows
    }


def unit_label(code: str) -> str:
    """A unit's name in the reader's language ("jar" -> "罐"); an unknown code as it is."""
    try:
        return str(Variant.Unit(code).label)
    except ValueError:
        return code
