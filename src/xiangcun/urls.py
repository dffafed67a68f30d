"""URL map: pages per app, the API under /api/v1, the admin, and the health check."""

from django.contrib import admin
from django.urls import include, path

from xiangcun.api import api
from xiangcun.web.views import healthz

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("api/v1/", api.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("accounts/", include("xiangcun.accounts.urls")),
    path("", include("xiangcun.web.urls")),
]
