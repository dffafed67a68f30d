"""Shop application and its staff review (namespace `sellers`, under /sellers/)."""

from django.urls import path

from xiangcun.sellers import views

app_name = "sellers"
urlpatterns = [
    path("apply/", views.apply, name="apply"),
    path("review/", views.review_queue, name="review_queue"),
    path("review/<int:seller_id>/", views.review, name="review"),
]
