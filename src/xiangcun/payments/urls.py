"""Payment pages under /pay/: the sandbox approval page and WeChat Pay's notification URL."""

from django.urls import path

from xiangcun.payments import views

app_name = "payments"

urlpatterns = [
    path("sandbox/<str:number>/", views.sandbox_page, name="sandbox"),
    path("wechat/notify/", views.wechat_notify, name="wechat_notify"),
]
