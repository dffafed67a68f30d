"""Jobs pages: the public list and a posting with "apply"; the recruiters' workspace with
postings, the pipeline per posting (bulk moves), an application (move, hire), fairs with the
fair entry screen (the offline queue's server side) and the fair report. Views parse and call
one service; selectors say what to show."""

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from xiangcun.core.errors import (
    NotFoundError,
    PermissionDeniedError,
    XiangcunError,
)
from xiangcun.core.forms import choices_set
from xiangcun.core.language import localized
from xiangcun.core.pages import (
    form_refusal,
    queued_entry_json,
    refusal_as_message,
    refusal_json,
    refusal_on_form,
    wants_json,
)
from xiangcun.jobs import selectors, services
from xiangcun.jobs.forms import (
    ApplyForm,
    BulkMoveForm,
    FairEntryForm,
    FairForm,
    HireForm,
    MoveForm,
    PostingForm,
)
from xiangcun.jobs.types import ApplicationStatus, JobRole
from xiangcun.regions.selectors import stations_list, townships_list, villages_for_township

PAGE_SIZE = 20


def _villages() -> list[tuple[Any, Any]]:
    groups: list[tuple[Any, Any]] = [("", _("Choose"))]
    for township in townships_list():
        rows = villages_for_township(township_code=township.code)
        if rows:
            groups.append((localized(township), [(row.id, localized(row)) for row in rows]))
    return groups


def _stations() -> list[tuple[Any, Any]]:
    return [("", "—"), *((s.id, f"{s.township} · {localized(s)}") for s in stations_list())]


def _townships() -> list[tuple[Any, Any]]:
    return [("", "—"), *((t.id, localized(t)) for t in townships_list())]


def _require(allowed: bool) -> None:
    if not allowed:
        raise PermissionDenied


# --- Public -----------------------------------------------------------------------------------


@require_safe
def postings_list(request: HttpRequest) -> HttpResponse:
    """Open jobs, searchable by township and role; the filters are in the link to share."""
    township = request.GET.get("township", "")[:20]
    role = request.GET.get("role", "")[:12]
    cards = selectors.postings_open(township_code=township, role=role)
    page = Paginator(cards, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "page": page,
        "townships": townships_list(),
        "roles": JobRole.choices,
        "township": township,
        "role": role,
        "mine": selectors.applications_of(user=request.user),
    }
    return render(request, "jobs/postings_list.html", context)


def _posting_or_404(posting_id: int, request: HttpRequest) -> Any:
    try:
        return selectors.posting_get(posting_id=posting_id, user=request.user)
    except NotFoundError:
        raise Http404 from None


@require_http_methods(["GET", "POST"])
def posting_detail(request: HttpRequest, posting_id: int) -> HttpResponse:
    """A job and its "apply" form: a resident for themselves, a helper for someone."""
    posting = _posting_or_404(posting_id, request)
    helper = selectors.jobs_can_help(user=request.user)
    initial = {"name": getattr(request.user, "name", "")} if not helper else {}
    form = ApplyForm(request.POST or None, initial=initial)
    choices_set(form, "village", _villages())
    choices_set(form, "station", _stations())
    if request.method == "POST":
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if form.is_valid():
            data = form.cleaned_data
            with refusal_on_form(form) as outcome:
                result = services.application_submit(
                    actor=request.user,
                    posting_id=posting.pk,
                    name=data["name"],
                    phone=data["phone"],
                    village_id=data["village"],
                    id_number=data["id_number"],
                    licence_class=data["licence_class"],
                    consent=data["consent"],
                    station_id=data["station"],
                )
            if outcome.done:
                messages.success(
                    request,
                    _("Application sent. You will get a text at each step.")
                    if result.created
                    else _("This person has already applied for this job."),
                )
                return redirect("jobs:posting", posting_id=posting.pk)
    context = {
        "posting": posting,
        "card": selectors.posting_card(posting=posting),
        "form": form,
        "helper": helper,
    }
    return render(request, "jobs/posting_detail.html", context)


@login_required
@require_POST
def application_withdraw(request: HttpRequest, application_id: int) -> HttpResponse:
    """The person withdraws their own application (the service checks it is theirs)."""
    with refusal_as_message(request) as outcome:
        services.application_move(
            actor=request.user, application_id=application_id, to=ApplicationStatus.WITHDRAWN
        )
    if outcome.done:
        messages.success(request, _("Application withdrawn."))
    return redirect("jobs:list")


# --- Recruiters' workspace --------------------------------------------------------------------


@login_required
@require_safe
def workspace(request: HttpRequest) -> HttpResponse:
    _require(selectors.jobs_can_read(user=request.user))
    context = {
        "postings": selectors.postings_all(user=request.user),
        "fairs": selectors.fairs_list(user=request.user),
        "headcount": selectors.headcount(),
        "manager": selectors.jobs_can_manage(user=request.user),
    }
    return render(request, "jobs/workspace.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def posting_new(request: HttpRequest) -> HttpResponse:
    _require(selectors.jobs_can_manage(user=request.user))
    form = PostingForm(request.POST or None)
    choices_set(form, "station", _stations())
    choices_set(form, "township", _townships())
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        with refusal_on_form(form) as outcome:
            posting = services.posting_create(
                actor=request.user,
                station_id=data.pop("station"),
                township_id=data.pop("township"),
                **data,
            )
        if outcome.done:
            messages.success(request, _("Job posted."))
            return redirect("jobs:pipeline", posting_id=posting.pk)
    return render(request, "jobs/posting_form.html", {"form": form})


@login_required
@require_http_methods(["GET", "POST"])
def pipeline(request: HttpRequest, posting_id: int) -> HttpResponse:
    """A posting's applications by step, with a bulk move of the ticked ones."""
    _require(selectors.jobs_can_read(user=request.user))
    posting = _posting_or_404(posting_id, request)
    status = request.GET.get("status", "")[:12]
    rows = selectors.pipeline_for_posting(user=request.user, posting_id=posting.pk, status=status)
    form = BulkMoveForm(request.POST or None)
    choices_set(form, "applications", [(row.pk, row.name) for row in rows])
    if request.method == "POST":
        _require(selectors.jobs_can_manage(user=request.user))
        if form.is_valid():
            data = form.cleaned_data
            with refusal_on_form(form) as outcome:
                result = services.applications_move(
                    actor=request.user,
                    application_ids=data["applications"],
                    to=data["to"],
                    reason=data["reason"],
                    interview_at=data["interview_at"],
                )
            if outcome.done:
                messages.success(
                    request,
                    _("%(moved)d moved, %(refused)d could not move from their step.")
                    % {"moved": len(result.moved), "refused": len(result.refused)},
                )
                return redirect(request.get_full_path())
    context = {
        "posting": posting,
        "card": selectors.posting_card(posting=posting),
        "rows": rows,
        "counts": selectors.pipeline_counts(user=request.user, posting_id=posting.pk),
        "statuses": ApplicationStatus.choices,
        "status": status,
        "form": form,
        "manager": selectors.jobs_can_manage(user=request.user),
    }
    return render(request, "jobs/pipeline.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def application_detail(request: HttpRequest, application_id: int) -> HttpResponse:
    """One application: who, where from, its history; move it or hire the person."""
    try:
        application = selectors.application_get(user=request.user, application_id=application_id)
    except NotFoundError:
        raise Http404 from None
    _require(selectors.jobs_can_read(user=request.user))
    action = request.POST.get("action", "")
    move_form = MoveForm(request.POST if action == "move" else None)
    hire_form = HireForm(
        request.POST if action == "hire" else None,
        initial={"monthly_wage": application.posting.wage_min},
    )
    choices_set(hire_form, "station", _stations())
    if request.method == "POST":
        _require(selectors.jobs_can_manage(user=request.user))
        form: Any = move_form if action == "move" else hire_form
        if form.is_valid():
            with refusal_on_form(form) as outcome:
                _application_act(request, application.pk, action, form.cleaned_data)
            if outcome.done:
                messages.success(request, _("Saved."))
                return redirect("jobs:application", application_id=application.pk)
    context = {
        "application": application,
        "history": selectors.application_history(user=request.user, application_id=application.pk),
        "move_form": move_form,
        "hire_form": hire_form,
        "manager": selectors.jobs_can_manage(user=request.user),
    }
    return render(request, "jobs/application.html", context)


def _application_act(
    request: HttpRequest, application_id: int, action: str, data: dict[str, Any]
) -> None:
    if action == "move":
        services.application_move(
            actor=request.user,
            application_id=application_id,
            to=data["to"],
            reason=data["reason"],
            interview_at=data["interview_at"],
        )
    else:
        services.application_hire(
            actor=request.user,
            application_id=application_id,
            start_date=data["start_date"],
            monthly_wage=data["monthly_wage"],
            station_id=data["station"],
        )


@login_required
@require_POST
def posting_status(request: HttpRequest, posting_id: int) -> HttpResponse:
    with refusal_as_message(request) as outcome:
        services.posting_status_set(
            actor=request.user, posting_id=posting_id, status=request.POST.get("status", "")
        )
    if outcome.done:
        messages.success(request, _("Saved."))
    return redirect("jobs:pipeline", posting_id=posting_id)


# --- Fairs ------------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def fair_new(request: HttpRequest) -> HttpResponse:
    _require(selectors.jobs_can_manage(user=request.user))
    form = FairForm(request.POST or None)
    choices_set(form, "township", _townships()[1:])
    choices_set(form, "postings", [(p.id, p.title) for p in selectors.postings_open()])
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        with refusal_on_form(form) as outcome:
            fair = services.fair_create(
                actor=request.user,
                name=data["name"],
                day=data["day"],
                place=data["place"],
                township_id=data["township"],
                posting_ids=data["postings"],
            )
        if outcome.done:
            messages.success(request, _("Fair planned."))
            return redirect("jobs:fair", fair_id=fair.pk)
    return render(request, "jobs/fair_form.html", {"form": form})


def _fair_or_404(fair_id: int) -> Any:
    try:
        return selectors.fair_get(fair_id=fair_id)
    except NotFoundError:
        raise Http404 from None


def _entry_form(fair_id: int, data: Any = None) -> FairEntryForm:
    form = FairEntryForm(data)
    postings = [(p.pk, p.title) for p in selectors.fair_postings(fair_id=fair_id)]
    choices_set(form, "posting", [("", _("Choose")), *postings])
    choices_set(form, "village", _villages())
    return form


@login_required
@require_safe
def fair_detail(request: HttpRequest, fair_id: int) -> HttpResponse:
    """The fair entry screen (for recruiters and helpers) and the fair's report."""
    fair = _fair_or_404(fair_id)
    helper = selectors.jobs_can_help(user=request.user)
    _require(helper or selectors.jobs_can_read(user=request.user))
    context = {
        "fair": fair,
        "form": _entry_form(fair.pk) if helper else None,
        "report": selectors.fair_report(user=request.user, fair_id=fair.pk)
        if selectors.jobs_can_read(user=request.user)
        else None,
    }
    return render(request, "jobs/fair.html", context)


def _refusal(request: HttpRequest, error: XiangcunError, fair_id: int) -> HttpResponse:
    if wants_json(request):
        return refusal_json(error)
    if isinstance(error, PermissionDeniedError):
        raise error  # the 403 page (core middleware)
    messages.error(request, str(error.message))
    return redirect("jobs:fair", fair_id=fair_id)


@login_required
@require_POST
def fair_entry(request: HttpRequest, fair_id: int) -> HttpResponse:
    """One person entered at a fair table. With `Accept: application/json` (the offline queue)
    the answer is JSON: 201 new, 200 the same person or entry again, 4xx a refusal."""
    fair = _fair_or_404(fair_id)
    form = _entry_form(fair.pk, request.POST)
    if not form.is_valid():
        return _refusal(request, form_refusal(form), fair.pk)
    data = form.cleaned_data
    try:
        result = services.application_submit(
            actor=request.user,
            posting_id=data["posting"],
            fair_id=fair.pk,
            name=data["name"],
            phone=data["phone"],
            village_id=data["village"],
            licence_class=data["licence_class"],
            idempotency_key=data["idempotency_key"],
        )
    except XiangcunError as error:
        return _refusal(request, error, fair.pk)
    application = result.application
    if wants_json(request):
        return queued_entry_json(
            record_id=application.pk, status=application.status, duplicate=not result.created
        )
    messages.success(
        request,
        _("%(name)s entered.") % {"name": application.name}
        if result.created
        else _("%(name)s was already entered.") % {"name": application.name},
    )
    return redirect("jobs:fair", fair_id=fair.pk)
