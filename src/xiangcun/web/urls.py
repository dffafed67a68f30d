"""Site-shell pages: home and the role workspaces."""

from django.urls import path

from xiangcun.web import views

app_name = "web"
urlpatterns = [
    path("", views.home, name="home"),
    path("workspace/<slug:role>/", views.workspace, name="workspace"),
    path("demo/", views.demo, name="demo"),
]
