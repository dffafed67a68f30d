"""The project's URLs with the shipping console mounted at /console/shipping/ ahead of the
catalogue's console, as xiangcun/urls.py mounts it (see the report of the shipping work)."""

from django.urls import include, path

from xiangcun.urls import urlpatterns as project_urlpatterns

urlpatterns = [
    path("console/shipping/", include("xiangcun.shipping.urls")),
    *project_urlpatterns,
]
