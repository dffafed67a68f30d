"""Training pages under /training/ (namespace `training`)."""

from django.urls import path

from xiangcun.training import views

app_name = "training"

urlpatterns = [
    path("", views.courses, name="courses"),
    path("courses/food-safety/", views.food_safety, name="food_safety"),
    path("courses/<int:course_id>/", views.course, name="course"),
    path("courses/<int:course_id>/quiz/", views.quiz_start, name="quiz_start"),
    path("lessons/<int:lesson_id>/", views.lesson, name="lesson"),
    path("lessons/<int:lesson_id>/read/", views.lesson_read, name="lesson_read"),
    path("quiz/<int:attempt_id>/", views.attempt, name="attempt"),
    path("sessions/", views.sessions, name="sessions"),
    path("sessions/<int:session_id>/register/", views.session_register, name="register"),
    path(
        "registrations/<int:registration_id>/cancel/",
        views.registration_cancel,
        name="registration_cancel",
    ),
    path("certificates/", views.my_certificates, name="my_certificates"),
    path("certificates/<str:code>", views.verify, name="verify"),
    path("certificates/<str:code>/pdf", views.certificate_download, name="certificate_pdf"),
    path("certificates/<str:code>/revoke/", views.revoke, name="revoke"),
    path("trainer/", views.trainer_home, name="trainer"),
    path("trainer/sessions/new/", views.session_new, name="session_new"),
    path("trainer/sessions/<int:session_id>/", views.sheet, name="sheet"),
    path("trainer/results/", views.results, name="results"),
]
