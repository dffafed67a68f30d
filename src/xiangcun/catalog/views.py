"""Storefront pages (/shop/) of the catalogue (the seller console is in `views_console`).

Views parse forms and call catalog services and selectors; rules live there. Every page
works without JavaScript; with htmx the search results update in place.
"""

from typing import Any
from urllib.parse import urlencode

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.functional import SimpleLazyObject
from django.views.decorators.http import require_safe

from xiangcun.catalog.errors import BrandNotFoundError, CategoryNotFoundError, ProductNotFoundError
from xiangcun.catalog.forms import SearchForm
from xiangcun.catalog.models import Direction, Product, Variant
from xiangcun.catalog.selectors import (
    Fragment,
    brand_certifications,
    brand_counts,
    brand_get,
    brands_list,
    categories_list,
    category_get,
    product_cards_for_seller,
    product_cards_search,
    product_certifications,
    product_get,
    product_offer_get,
    storefront_fragment,
    variant_availability,
)
from xiangcun.catalog.templatetags.shop import local
from xiangcun.catalog.types import ProductCard
from xiangcun.core.errors import XiangcunError
from xiangcun.core.forms import form_add_service_error
from xiangcun.core.pages import page_number, pagination
from xiangcun.core.types import Page
from xiangcun.regions.selectors import townships_list
from xiangcun.sellers.errors import SellerNotFoundError
from xiangcun.sellers.selectors import seller_shop_get

PAGE_SIZE = 20
SEARCH_TEXT_MAX = 100  # as the search form's `q`
HOME_SHELF = 6


# --- helpers -----------------------------------------------------------------------------------


def _is_htmx(request: HttpRequest) -> bool:
    return request.headers.get("HX-Request") == "true"


def _category_choices() -> list[tuple[Any, str]]:
    """Top categories with their children indented under them, by slug."""
    rows = categories_list()
    children: dict[int | None, list[Any]] = {}
    for row in rows:
        children.setdefault(row.parent_id, []).append(row)
    choices: list[tuple[Any, str]] = []
    for top in children.get(None, []):
        choices.append((top.slug, local(top)))
        choices.extend((child.slug, f"— {local(child)}") for child in children.get(top.pk, []))
    return choices


def _search_form(data: Any) -> SearchForm:
    return SearchForm(
        data,
        categories=_category_choices(),
        brands=[(brand.slug, local(brand)) for brand in brands_list()],
        townships=[(township.code, local(township)) for township in townships_list()],
    )


# --- storefront --------------------------------------------------------------------------------
#
# The costly part of each page (cards, the search form's choices, a product's photos and story)
# sits in a `{% cache %}` fragment keyed by `storefront_fragment` (catalogue version, language,
# today, path). The views hand it over as a `SimpleLazyObject`, so its queries run only when the
# fragment is not in the cache; what is never cached (404s, who may see a product, stock, forms
# with a CSRF token) is read every time.


def _fragment(request: HttpRequest, name: str) -> Fragment:
    return storefront_fragment(name, request.get_full_path(), _is_htmx(request))


@require_safe
def shop_home(request: HttpRequest) -> HttpResponse:
    """Brands, Danzhai's own goods going out, and goods coming in for the villages."""

    def shelves() -> dict[str, Any]:
        return {
            "brands": brands_list()[:HOME_SHELF],
            "local_goods": product_cards_search(
                direction=Direction.UP, sort="new", page_size=HOME_SHELF
            ),
            "incoming_goods": product_cards_search(
                direction=Direction.DOWN, sort="new", page_size=HOME_SHELF
            ),
            "top_categories": [row for row in categories_list() if row.parent_id is None],
        }

    context = {"fragment": _fragment(request, "shop-home"), "shelves": SimpleLazyObject(shelves)}
    return render(request, "catalog/shop_home.html", context)


def _search_results(request: HttpRequest) -> dict[str, Any]:
    form = _search_form(request.GET or None)
    results: Page[ProductCard] | None = None
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        try:
            results = product_cards_search(
                query=data["q"],
                category=data["category"] or None,
                brand=data["brand"] or None,
                township=data["township"] or None,
                certified=data["certified"] or None,
                direction=data["direction"] or None,
                price_min=data["price_min"],
                price_max=data["price_max"],
                sort=data["sort"] or "relevance",
                page=data["page"] or 1,
                page_size=PAGE_SIZE,
            )
        except XiangcunError as error:
            form_add_service_error(form, error)
    elif not form.is_bound:
        results = product_cards_search(sort="new", page_size=PAGE_SIZE)
    return {
        "form": form,
        "results": results,
        "query": form.cleaned_data.get("q", "") if form.is_bound and form.is_valid() else "",
        "pagination": pagination(request, results) if results is not None else None,
        "filtered": any(
            request.GET.get(name)
            for name in (
                "category",
                "brand",
                "township",
                "certified",
                "direction",
                "price_min",
                "price_max",
            )
        ),
    }


@require_safe
def search(request: HttpRequest) -> HttpResponse:
    """Results for the words typed (Chinese, pinyin or initials) and the filters chosen."""
    context = {
        "fragment": _fragment(request, "shop-search"),
        "found": SimpleLazyObject(lambda: _search_results(request)),
        # The words as typed (the form, in the fragment, is not built when it is cached).
        "title_query": request.GET.get("q", "").strip()[:SEARCH_TEXT_MAX],
    }
    template = "catalog/_results_cached.html" if _is_htmx(request) else "catalog/search.html"
    return render(request, template, context)


@require_safe
def category(request: HttpRequest, slug: str) -> HttpResponse:
    try:
        found = category_get(slug=slug)
    except CategoryNotFoundError:
        raise Http404 from None
    sort = request.GET.get("sort", "new")
    if sort not in {"relevance", "new", "price", "-price"}:
        sort = "new"

    def listing() -> dict[str, Any]:
        results = product_cards_search(
            category=slug, sort=sort, page=page_number(request), page_size=PAGE_SIZE
        )
        return {
            "children": [row for row in categories_list() if row.parent_id == found.pk],
            "results": results,
            "pagination": pagination(request, results),
        }

    context = {
        "category": found,
        "sort": sort,
        "fragment": _fragment(request, "shop-category"),
        "listing": SimpleLazyObject(listing),
        "search_url": f"{reverse('shop:search')}?{urlencode({'category': slug})}",
    }
    return render(request, "catalog/category.html", context)


def _product_details(request: HttpRequest, product_id: int) -> dict[str, Any]:
    product = product_get(product_id=product_id, for_user=request.user, variants=False)
    return {
        "product": product,
        "photos": list(product.photos.all()),
        "certifications": product_certifications(product),
    }


@require_safe
def product_detail(request: HttpRequest, product_id: int) -> HttpResponse:
    """Photos, price per option and how many are left, origin, brand, certificates, shop.

    Prices and stock are read on every request; the rest is a cached fragment."""
    try:
        offer = product_offer_get(product_id=product_id, for_user=request.user)
    except ProductNotFoundError:
        raise Http404 from None
    available = variant_availability(variant_ids=[option.id for option in offer.options])
    context = {
        "offer": offer,
        "options": [
            (option, available.get(option.id, 0), Variant.Unit(option.unit).label)
            for option in offer.options
        ],
        "listed": offer.status == Product.Status.LISTED,
        "status_label": Product.Status(offer.status).label,
        "fragment": storefront_fragment("shop-product", product_id),
        "details": SimpleLazyObject(lambda: _product_details(request, product_id)),
    }
    return render(request, "catalog/product.html", context)


@require_safe
def brand_detail(request: HttpRequest, slug: str) -> HttpResponse:
    try:
        brand = brand_get(slug=slug)
    except BrandNotFoundError:
        raise Http404 from None
    results = product_cards_search(brand=slug, sort="new", page=page_number(request))
    context = {
        "brand": brand,
        "counts": brand_counts(brand_ids=[brand.pk])[brand.pk],
        "certifications": brand_certifications(brand),
        "results": results,
        "pagination": pagination(request, results),
    }
    return render(request, "catalog/brand.html", context)


@require_safe
def seller_shop(request: HttpRequest, seller_id: int) -> HttpResponse:
    """A seller's online shop: story, photos, village and listed products."""
    try:
        seller = seller_shop_get(seller_id=seller_id, for_user=request.user)
    except SellerNotFoundError:
        raise Http404 from None

    def listing() -> dict[str, Any]:
        results = product_cards_for_seller(
            seller_id=seller.pk, page=page_number(request), page_size=PAGE_SIZE
        )
        return {"results": results, "pagination": pagination(request, results)}

    context = {
        "seller": seller,
        "photos": list(seller.photos.all()),
        "fragment": _fragment(request, "shop-seller"),
        "listing": SimpleLazyObject(listing),
    }
    return render(request, "catalog/seller_shop.html", context)
