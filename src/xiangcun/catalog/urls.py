"""Catalogue pages: the storefront (namespace `shop`, under /shop/) and the seller console
with the staff review queue (namespace `console`, under /console/)."""

from django.urls import path

from xiangcun.catalog import views, views_certificates, views_console

shop_urlpatterns = [
    path("", views.shop_home, name="home"),
    path("search/", views.search, name="search"),
    path("c/<slug:slug>/", views.category, name="category"),
    path("p/<int:product_id>/", views.product_detail, name="product"),
    path("b/<slug:slug>/", views.brand_detail, name="brand"),
    path("s/<int:seller_id>/", views.seller_shop, name="seller"),
]

console_urlpatterns = [
    path("", views_console.console_home, name="home"),
    path("products/new/", views_console.console_product_create, name="product_create"),
    path("products/<int:product_id>/", views_console.console_product, name="product"),
    path(
        "products/<int:product_id>/edit/", views_console.console_product_edit, name="product_edit"
    ),
    path(
        "products/<int:product_id>/options/new/",
        views_console.console_variant_create,
        name="variant_create",
    ),
    path(
        "products/<int:product_id>/options/<int:variant_id>/",
        views_console.console_variant_edit,
        name="variant_edit",
    ),
    path(
        "products/<int:product_id>/photos/new/", views_console.console_photo_add, name="photo_add"
    ),
    path(
        "products/<int:product_id>/submit/",
        views_console.console_product_submit,
        name="product_submit",
    ),
    path(
        "products/<int:product_id>/delist/",
        views_console.console_product_delist,
        name="product_delist",
    ),
    path("certificates/", views_certificates.console_certificates, name="certificates"),
    path(
        "certificates/review/",
        views_certificates.certificate_review_queue,
        name="certificate_queue",
    ),
    path(
        "certificates/review/<int:certification_id>/",
        views_certificates.certificate_review,
        name="certificate_review",
    ),
    path("review/", views_console.review_queue, name="review_queue"),
    path("review/<int:product_id>/", views_console.review_product, name="review_product"),
]

shop_urls = (shop_urlpatterns, "shop")
console_urls = (console_urlpatterns, "console")
