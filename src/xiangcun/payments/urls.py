"""Payment pages under /pay/: the sandbox approval page, WeChat Pay's notification URL and
WeChat's web sign-in."""

from django.urls import path

from xiangcun.payments import views

app_name = "payments"

urlpatterns = [
    path("sandbox/<str:number>/", views.sandbox_page, name="sandbox"),
    path("wechat/notify/", views.wechat_notify, name="wechat_notify"),
    path("wechat/signin/", views.wechat_signin, name="wechat_signin"),
    path("wechat/signin/return/", views.wechat_signin_return, name="wechat_signin_return"),
]
