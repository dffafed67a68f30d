"""Regions pages under /regions/ (namespace `regions`): the divisions chooser and the
options fragment its selects load with htmx."""

from django.urls import path

from xiangcun.regions import views

app_name = "regions"

urlpatterns = [
    path("divisions/", views.divisions_page, name="divisions"),
    path("divisions/options/", views.division_options, name="division_options"),
]
