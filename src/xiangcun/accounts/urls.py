from django.urls import path

from xiangcun.accounts import views

app_name = "accounts"
urlpatterns = [
    path("login/", views.login_password, name="login"),
    path("login/sms/", views.login_sms, name="login_sms"),
    path("logout/", views.logout_view, name="logout"),
    path("register/", views.register, name="register"),
]
