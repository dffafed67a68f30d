"""Jobs pages under /jobs/ (namespace `jobs`)."""

from django.urls import path

from xiangcun.jobs import views

app_name = "jobs"

urlpatterns = [
    path("", views.postings_list, name="list"),
    path("<int:posting_id>/", views.posting_detail, name="posting"),
    path(
        "applications/<int:application_id>/withdraw/",
        views.application_withdraw,
        name="withdraw",
    ),
    path("work/", views.workspace, name="workspace"),
    path("work/postings/new/", views.posting_new, name="posting_new"),
    path("work/postings/<int:posting_id>/", views.pipeline, name="pipeline"),
    path("work/postings/<int:posting_id>/status/", views.posting_status, name="posting_status"),
    path("work/applications/<int:application_id>/", views.application_detail, name="application"),
    path("work/fairs/new/", views.fair_new, name="fair_new"),
    path("work/fairs/<int:fair_id>/", views.fair_detail, name="fair"),
    path("work/fairs/<int:fair_id>/entries/", views.fair_entry, name="fair_entry"),
]
