"""Service-centre pages under /servicecenter/ (namespace `servicecenter`)."""

from django.urls import URLPattern, path  # noqa: F401

app_name = "servicecenter"

# The desk, residents, receipts, drawer, commission and the day's report (views/, the pages part).
urlpatterns: list[URLPattern] = []

# The counter console that keeps working offline: page, service worker, manifest, catalogue
# snapshot and the JSON endpoint its queue sends orders to (views/counter.py, the offline part).
urlpatterns += []
