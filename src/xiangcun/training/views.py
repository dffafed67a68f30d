"""Training pages: courses, lessons, the quiz, sessions, my certificates, the public check, and
the trainer's pages (sessions, the attendance sheet, results). Views parse and call services.

The attendance sheet is the server side of the offline entry queue (core/offline-queue.js): a
POST asking for JSON gets 201 {"id", "status", "duplicate": false} for a new tick, 200 with
"duplicate": true for the same entry or the same person again, 4xx {"code", "message"} for a
refusal; without JavaScript it is a plain form that redirects back with a message.
"""

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from xiangcun.core.errors import NotFoundError, PermissionDeniedError, XiangcunError
from xiangcun.core.language import localized
from xiangcun.core.pages import (
    form_refusal,
    queued_entry_json,
    refusal_as_message,
    refusal_json,
    refusal_on_form,
    wants_json,
)
from xiangcun.regions.selectors import stations_list
from xiangcun.training import selectors, services
from xiangcun.training.certificates import certificate_pdf
from xiangcun.training.errors import AttemptNotFoundError
from xiangcun.training.forms import AttendanceForm, RevokeForm, SessionForm
from xiangcun.training.models import QuizAttempt


def _found(call: Any, **kwargs: Any) -> Any:
    """A selector's answer, or 404 for a record that does not exist (or is hidden)."""
    try:
        return call(**kwargs)
    except NotFoundError:
        raise Http404 from None


def _require_manager(request: HttpRequest) -> None:
    selectors.training_require_manager(user=request.user)


# --- Learners -----------------------------------------------------------------------------------


@require_safe
def courses(request: HttpRequest) -> HttpResponse:
    rows = list(selectors.courses_list(for_user=request.user))
    return render(request, "training/courses.html", {"courses": rows})


@require_safe
def course(request: HttpRequest, course_id: int) -> HttpResponse:
    row = _found(selectors.course_get, course_id=course_id, for_user=request.user)
    progress = selectors.course_progress(learner=request.user, course=row)
    context = {
        "course": row,
        "progress": progress,
        "sessions": selectors.sessions_upcoming(course_id=row.pk)[:10],
        "attempts": selectors.attempts_of(learner=request.user, course=row)[:5]
        if request.user.is_authenticated
        else [],
    }
    return render(request, "training/course.html", context)


@require_safe
def food_safety(request: HttpRequest) -> HttpResponse:
    """The course the fresh-food policy asks for (the seller console links here)."""
    course_id = selectors.food_safety_course_id()
    if course_id is None:
        return redirect("training:courses")
    return redirect("training:course", course_id=course_id)


@require_safe
def lesson(request: HttpRequest, lesson_id: int) -> HttpResponse:
    row = _found(selectors.lesson_get, lesson_id=lesson_id, for_user=request.user)
    progress = selectors.course_progress(learner=request.user, course=row.course)
    lessons = list(row.course.lessons.all())
    index = [item.pk for item in lessons].index(row.pk)
    context = {
        "lesson": row,
        "course": row.course,
        "read": row.pk in progress.read_lesson_ids,
        "next": lessons[index + 1] if index + 1 < len(lessons) else None,
    }
    return render(request, "training/lesson.html", context)


@login_required
@require_POST
def lesson_read(request: HttpRequest, lesson_id: int) -> HttpResponse:
    row = _found(selectors.lesson_get, lesson_id=lesson_id, for_user=request.user)
    with refusal_as_message(request) as outcome:
        certificate = services.lesson_mark_read(learner=request.user, lesson_id=row.pk)
    if outcome.done and certificate is not None:
        messages.success(request, _("Course complete: your certificate is ready."))
        return redirect("training:my_certificates")
    target = request.POST.get("next_lesson", "")
    if target.isdigit():
        return redirect("training:lesson", lesson_id=int(target))
    return redirect("training:course", course_id=row.course_id)


@login_required
@require_POST
def quiz_start(request: HttpRequest, course_id: int) -> HttpResponse:
    with refusal_as_message(request) as outcome:
        attempt = services.quiz_attempt_start(learner=request.user, course_id=course_id)
    if outcome.refused:
        return redirect("training:course", course_id=course_id)
    return redirect("training:attempt", attempt_id=attempt.pk)


def _attempt_questions(attempt: QuizAttempt) -> list[Any]:
    by_id = {q.pk: q for q in attempt.course.questions.prefetch_related("options")}
    return [by_id[int(pk)] for pk in attempt.question_order if int(pk) in by_id]


@login_required
@require_http_methods(["GET", "POST"])
def attempt(request: HttpRequest, attempt_id: int) -> HttpResponse:
    """The quiz in the order this attempt drew; once handed in, its result."""
    row = (
        QuizAttempt.objects.select_related("course")
        .filter(pk=attempt_id, learner_id=request.user.pk)
        .first()
    )
    if row is None:
        raise Http404
    questions = _attempt_questions(row)
    error = ""
    if request.method == "POST" and row.submitted_at is None:
        answers = {str(q.pk): request.POST.get(f"q{q.pk}", "") for q in questions}
        try:
            services.quiz_attempt_submit(learner=request.user, attempt_id=row.pk, answers=answers)
        except AttemptNotFoundError:
            raise Http404 from None
        except XiangcunError as refusal:
            if isinstance(refusal, PermissionDeniedError):
                raise
            error = str(refusal.message)
        else:
            return redirect("training:attempt", attempt_id=row.pk)
    progress = selectors.course_progress(learner=request.user, course=row.course)
    chosen = {int(k): v for k, v in (row.answers or {}).items()}
    context = {
        "attempt": row,
        "course": row.course,
        "questions": [(q, chosen.get(q.pk)) for q in questions],
        "error": error,
        "progress": progress,
    }
    return render(request, "training/attempt.html", context)


@require_safe
def sessions(request: HttpRequest) -> HttpResponse:
    mine = selectors.registrations_of(learner=request.user) if request.user.is_authenticated else []
    context = {"sessions": selectors.sessions_upcoming()[:50], "mine": mine}
    return render(request, "training/sessions.html", context)


@login_required
@require_POST
def session_register(request: HttpRequest, session_id: int) -> HttpResponse:
    _found(selectors.session_get, session_id=session_id)
    with refusal_as_message(request) as outcome:
        row = services.session_register(learner=request.user, session_id=session_id)
    if outcome.done:
        if row.status == "waiting":
            messages.warning(
                request,
                _(
                    "The session is full: you are on the waiting list. "
                    "We text you if a seat frees up."
                ),
            )
        else:
            messages.success(request, _("You have a seat. We text you a reminder the day before."))
    return redirect("training:sessions")


@login_required
@require_POST
def registration_cancel(request: HttpRequest, registration_id: int) -> HttpResponse:
    with refusal_as_message(request) as outcome:
        _found(services.registration_cancel, actor=request.user, registration_id=registration_id)
    if outcome.done:
        messages.success(request, _("Registration cancelled."))
    return redirect("training:sessions")


@login_required
@require_safe
def my_certificates(request: HttpRequest) -> HttpResponse:
    rows = selectors.certificates_of(holder=request.user)
    return render(request, "training/my_certificates.html", {"certificates": rows})


def _verify_url(request: HttpRequest, code: str) -> str:
    return request.build_absolute_uri(reverse("training:verify", kwargs={"code": code}))


@login_required
@require_safe
def certificate_download(request: HttpRequest, code: str) -> HttpResponse:
    """The PDF: for its holder, and for trainers; anyone else is told it does not exist."""
    row = _found(selectors.certificate_for_download, actor=request.user, code=code)
    body = certificate_pdf(certificate=row, verify_url=_verify_url(request, row.code))
    response = HttpResponse(body, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="certificate-{row.code}.pdf"'
    return response


@require_safe
def verify(request: HttpRequest, code: str) -> HttpResponse:
    """The public check the QR opens: valid, revoked, or unknown (404, said plainly)."""
    try:
        check = selectors.certificate_verify(code=code)
    except NotFoundError:
        return render(request, "training/verify.html", {"check": None, "code": code}, status=404)
    return render(request, "training/verify.html", {"check": check, "code": code})


# --- Trainers -----------------------------------------------------------------------------------


@login_required
@require_safe
def trainer_home(request: HttpRequest) -> HttpResponse:
    _require_manager(request)
    context = {
        "courses": selectors.courses_list(for_user=request.user),
        "sessions": selectors.sessions_run_by(trainer=request.user)[:30],
    }
    return render(request, "training/trainer_home.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def session_new(request: HttpRequest) -> HttpResponse:
    _require_manager(request)
    form = SessionForm(
        request.POST or None,
        courses=[(c.pk, c.title) for c in selectors.courses_list(for_user=request.user)],
        stations=[(s.id, localized(s)) for s in stations_list(kind="service_centre")],
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        with refusal_on_form(form) as outcome:
            row = services.session_create(
                trainer=request.user,
                course_id=data["course"],
                station_id=data["station"],
                starts_at=data["starts_at"],
                capacity=data["capacity"],
            )
        if outcome.done:
            messages.success(request, _("Session planned."))
            return redirect("training:sheet", session_id=row.pk)
    return render(request, "training/session_new.html", {"form": form})


def _attendance_json(request: HttpRequest, session_id: int, form: AttendanceForm) -> HttpResponse:
    if not form.is_valid():
        return refusal_json(form_refusal(form))
    data = form.cleaned_data
    try:
        outcome = services.attendance_record(
            trainer=request.user,
            session_id=session_id,
            phone=data["phone"],
            name=data["name"],
            idempotency_key=data["idempotency_key"],
        )
    except XiangcunError as refusal:
        return refusal_json(refusal)
    return queued_entry_json(
        record_id=outcome.registration_id, status=outcome.status, duplicate=outcome.duplicate
    )


@login_required
@require_http_methods(["GET", "POST"])
def sheet(request: HttpRequest, session_id: int) -> HttpResponse:
    """The attendance sheet of one session, for its trainer, on a phone, also offline."""
    _require_manager(request)
    session, people = _found(selectors.session_sheet, actor=request.user, session_id=session_id)
    form = AttendanceForm(request.POST or None)
    if request.method == "POST":
        if wants_json(request):
            return _attendance_json(request, session.pk, form)
        if form.is_valid():
            data = form.cleaned_data
            with refusal_on_form(form) as outcome:
                result = services.attendance_record(
                    trainer=request.user,
                    session_id=session.pk,
                    phone=data["phone"],
                    name=data["name"],
                    idempotency_key=data["idempotency_key"],
                )
            if outcome.done:
                if result.duplicate:
                    messages.warning(request, _("Already ticked present: counted once."))
                else:
                    messages.success(request, _("Ticked present."))
                return redirect("training:sheet", session_id=session.pk)
    present = sum(1 for person in people if person.attended)
    context = {"session": session, "people": people, "form": form, "present": present}
    return render(request, "training/sheet.html", context)


@login_required
@require_safe
def results(request: HttpRequest) -> HttpResponse:
    rows = selectors.results_by_township(actor=request.user)
    return render(request, "training/results.html", {"rows": rows})


@login_required
@require_http_methods(["GET", "POST"])
def revoke(request: HttpRequest, code: str) -> HttpResponse:
    _require_manager(request)
    check = _found(selectors.certificate_verify, code=code)
    form = RevokeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        with refusal_on_form(form) as outcome:
            services.certificate_revoke(
                actor=request.user, code=check.code, reason=form.cleaned_data["reason"]
            )
        if outcome.done:
            messages.success(request, _("Certificate withdrawn."))
            return redirect("training:verify", code=check.code)
    return render(request, "training/revoke.html", {"check": check, "form": form})
