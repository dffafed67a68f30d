"""“Become a seller” and the staff queue of shop applications. Views parse and call services."""

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from xiangcun.core.errors import PermissionDeniedError, XiangcunError
from xiangcun.core.forms import form_add_service_error
from xiangcun.core.language import localized
from xiangcun.regions.selectors import townships_list, villages_for_township
from xiangcun.sellers.errors import SellerNotFoundError
from xiangcun.sellers.forms import SellerApplyForm, SellerReviewForm
from xiangcun.sellers.selectors import (
    seller_can_review,
    seller_get,
    sellers_list,
    sellers_managed_by,
)
from xiangcun.sellers.services import seller_apply, seller_review

PAGE_SIZE = 20


def _village_choices() -> list[tuple[Any, Any]]:
    groups: list[tuple[Any, Any]] = []
    for township in townships_list():
        rows = villages_for_township(township_code=township.code)
        if rows:
            groups.append((localized(township), [(row.id, localized(row)) for row in rows]))
    return groups


@login_required
@require_http_methods(["GET", "POST"])
def apply(request: HttpRequest) -> HttpResponse:
    """Open a shop: the application waits for staff review."""
    mine = [s for s in sellers_managed_by(user=request.user) if s.owner_id == request.user.pk]
    form = SellerApplyForm(request.POST or None, villages=_village_choices())
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            seller_apply(
                owner=request.user,
                kind=data["kind"],
                name=data["name"],
                name_en=data["name_en"],
                story=data["story"],
                village_id=data["village"],
                origin_text=data["origin_text"],
                phone=data["phone"],
            )
        except XiangcunError as error:
            form_add_service_error(form, error)
        else:
            messages.success(
                request,
                _("Application sent. Staff check it, usually within two working days."),
            )
            return redirect("sellers:apply")
    return render(request, "sellers/apply.html", {"form": form, "mine": mine})


def _require_reviewer(request: HttpRequest) -> None:
    if not seller_can_review(user=request.user):
        raise PermissionDenied


@login_required
@require_safe
def review_queue(request: HttpRequest) -> HttpResponse:
    """Shop applications waiting for review, oldest first."""
    _require_reviewer(request)
    paginator = Paginator(sellers_list(status="submitted"), PAGE_SIZE)
    page = paginator.get_page(request.GET.get("page"))
    return render(request, "sellers/review_queue.html", {"page": page})


@login_required
@require_http_methods(["GET", "POST"])
def review(request: HttpRequest, seller_id: int) -> HttpResponse:
    _require_reviewer(request)
    try:
        seller = seller_get(seller_id=seller_id)
    except SellerNotFoundError:
        raise Http404 from None
    form = SellerReviewForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        approve = form.cleaned_data["decision"] == "approve"
        try:
            seller_review(
                reviewer=request.user,
                seller_id=seller.pk,
                approve=approve,
                note=form.cleaned_data["note"],
            )
        except PermissionDeniedError:
            raise PermissionDenied from None
        except XiangcunError as error:
            form_add_service_error(form, error)
        else:
            messages.success(
                request, _("Shop approved.") if approve else _("Application turned down.")
            )
            return redirect("sellers:review_queue")
    context = {"seller": seller, "form": form, "waiting": seller.status == "submitted"}
    return render(request, "sellers/review.html", context)
