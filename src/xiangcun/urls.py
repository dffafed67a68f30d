"""URL map: pages per app, the API under /api/v1, the admin, and the health check."""

from django.conf import settings
from django.conf.urls.static import static
from django.contrib import admin
from django.urls import include, path

from xiangcun.api import api
from xiangcun.catalog.urls import console_urls, shop_urls
from xiangcun.orders.urls import cart_urls, order_urls
from xiangcun.traceability.views import trace_page
from xiangcun.web.views import healthz

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("api/v1/", api.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("accounts/", include("xiangcun.accounts.urls")),
    path("shop/", include(shop_urls)),
    path("console/stock/", include("xiangcun.inventory.urls")),
    path("console/shipping/", include("xiangcun.shipping.urls")),
    path("console/", include(console_urls)),
    path("sellers/", include("xiangcun.sellers.urls")),
    path("pay/", include("xiangcun.payments.urls")),
    path("cart/", include(cart_urls)),
    path("orders/", include(order_urls)),
    path("logistics/", include("xiangcun.logistics.urls")),
    path("trace/", include("xiangcun.traceability.urls")),
    path("jobs/", include("xiangcun.jobs.urls")),
    path("training/", include("xiangcun.training.urls")),
    path("regions/", include("xiangcun.regions.urls")),
    path("finance/", include("xiangcun.finance.urls")),
    path("servicecenter/", include("xiangcun.servicecenter.urls")),
    path("impact/", include("xiangcun.impact.urls")),
    # GS1 Digital Link resolver: the QR code on a lot's label opens its public trace page.
    path("01/<str:gtin>/10/<str:lot>", trace_page, name="digital_link"),
    path("", include("xiangcun.web.urls")),
]

# Uploaded photos: served by Django only in development; production serves MEDIA_ROOT from
# nginx or object storage (docs/deploy.md).
urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
