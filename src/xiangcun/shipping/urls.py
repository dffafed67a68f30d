"""The shipping console (namespace `shipping`, under /console/shipping/): the rate tables for
warehouse and programme managers, and a rate's edit form."""

from django.urls import path

from xiangcun.shipping import views

app_name = "shipping"

urlpatterns = [
    path("", views.console, name="console"),
    path("rates/<int:rate_id>/", views.rate_edit, name="rate_edit"),
]
