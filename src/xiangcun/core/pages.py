"""How a page calls a service and shows its refusal, and pages through a list: one way for
every app.

A page view passes the actor to a service and, when the service refuses, shows the refusal
where the person will read it: next to the form field it is about, or as a message at the top
of the next page. A refusal for want of permission is not the person's to fix and is not
swallowed: it goes on to `XiangcunErrorMiddleware`, which answers 403.

    with refusal_on_form(form, fields=FLEET_ERROR_FIELDS) as outcome:
        vehicle = services.vehicle_add(actor=request.user, ...)
    if outcome.done:
        messages.success(request, ...)
        return redirect(...)
"""

from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.forms import Form
from django.http import HttpRequest, JsonResponse

from xiangcun.core.errors import InvalidInputError, PermissionDeniedError, XiangcunError
from xiangcun.core.forms import form_add_service_error
from xiangcun.core.types import Page


@dataclass
class ServiceOutcome:
    """What the page learns from the `with` block: the refusal, if the service refused."""

    error: XiangcunError | None = None

    @property
    def done(self) -> bool:
        return self.error is None

    @property
    def refused(self) -> bool:
        return self.error is not None


def _shown_here(error: XiangcunError) -> bool:
    """Whether a refusal belongs on this page (not a 403)."""
    return not isinstance(error, PermissionDeniedError)


@contextmanager
def refusal_on_form(
    form: Form, *, fields: Mapping[str, str] | None = None
) -> Iterator[ServiceOutcome]:
    """Run the block; a refusal is shown next to the field it names (see
    `form_add_service_error`), else above the form, and the page renders the form again."""
    outcome = ServiceOutcome()
    try:
        yield outcome
    except XiangcunError as error:
        if not _shown_here(error):
            raise
        form_add_service_error(form, error, fields=fields)
        outcome.error = error


@contextmanager
def refusal_as_message(request: HttpRequest) -> Iterator[ServiceOutcome]:
    """Run the block; a refusal becomes an error message on the next page the person sees
    (for buttons without a form of their own: add to cart, arrive, cancel)."""
    outcome = ServiceOutcome()
    try:
        yield outcome
    except XiangcunError as error:
        if not _shown_here(error):
            raise
        messages.error(request, str(error.message))
        outcome.error = error


def page_number(request: HttpRequest) -> int:
    """The `?page=` asked for, 1 when absent or not a number (the error middleware answers 400
    for one past a million, so it fits every query)."""
    try:
        return max(1, int(request.GET.get("page", "1")))
    except ValueError:
        return 1


def pagination(request: HttpRequest, page: Page[Any]) -> dict[str, Any]:
    """What a pagination bar shows: the page, the count, and the previous and next links, which
    keep every other query parameter (filters, sort)."""

    def url(number: int) -> str:
        params = request.GET.copy()
        params["page"] = str(number)
        return f"?{params.urlencode()}"

    return {
        "page": page.page,
        "pages": page.pages,
        "count": page.count,
        "previous_url": url(page.page - 1) if page.page > 1 else "",
        "next_url": url(page.page + 1) if page.page < page.pages else "",
    }


# The server side of the offline entry queue (`core/static/core/offline-queue.js`): a form marked
# `data-offline-queue` is sent with `Accept: application/json` and an `idempotency_key`, and is
# answered 201 (new), 200 (the same entry or person again) or 4xx `{"code", "message"}`.


def wants_json(request: HttpRequest) -> bool:
    """Whether the offline queue sent this form (it asks for JSON); else a person without
    JavaScript did, who gets a page."""
    return "application/json" in request.headers.get("Accept", "")


def form_refusal(form: Form) -> InvalidInputError:
    """A form's first error as a refusal naming its field, for a JSON answer."""
    field, errors = next(iter(form.errors.items()))
    return InvalidInputError(str(errors[0]), field=None if field == "__all__" else field)


def refusal_json(error: XiangcunError) -> JsonResponse:
    return JsonResponse(error.as_dict(), status=error.status)


def queued_entry_json(*, record_id: int, status: str, duplicate: bool) -> JsonResponse:
    """The queue's answer for an entry kept: 201 when new, 200 when it was there already."""
    body = {"id": record_id, "status": status, "duplicate": duplicate}
    return JsonResponse(body, status=200 if duplicate else 201)


# The station desk (servicecenter, high up) shows entry points other apps offer an agent, such as
# "register a job applicant" (jobs) or "take training attendance" (training). Those apps sit
# below it and may not name it; each registers its entry here, at start-up (AppConfig.ready),
# and the desk lists what the person's roles may open. Labels are lazy: read in the reader's
# language when the desk renders.


@dataclass(frozen=True)
class DeskEntry:
    key: str
    label: Any  # a lazy translation
    url_name: str
    roles: frozenset[str]


_DESK_ENTRIES: dict[str, DeskEntry] = {}


def desk_entry_register(key: str, label: Any, url_name: str, roles: Iterable[str]) -> None:
    """Offer an entry on the station desk to people holding any of `roles` (role values). The
    same key again replaces the entry (apps' ready() may run twice in tests)."""
    _DESK_ENTRIES[key] = DeskEntry(
        key=key, label=label, url_name=url_name, roles=frozenset(str(role) for role in roles)
    )


def desk_entries(roles: Iterable[str]) -> list[DeskEntry]:
    """The registered entries any of `roles` may open, in the order they were registered."""
    held = {str(role) for role in roles}
    return [entry for entry in _DESK_ENTRIES.values() if entry.roles & held]
