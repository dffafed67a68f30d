"""Training pages under /training/ (namespace `training`)."""

from django.urls import URLPattern

app_name = "training"

urlpatterns: list[URLPattern] = []
