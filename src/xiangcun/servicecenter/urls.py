"""Service-centre pages under /servicecenter/ (namespace `servicecenter`)."""


app_name = "servicecenter"

urlpatterns: list[object] = []
