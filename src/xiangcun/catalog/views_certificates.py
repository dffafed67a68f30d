"""Certificate pages of the console (/console/certificates/): a shop sends in a certificate
naming some of its products; staff who check certificates accept or refuse each one.

Views parse forms and call catalog services and selectors; who may do what is decided there.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from xiangcun.catalog.errors import CertificationNotFoundError
from xiangcun.catalog.forms import CertificateForm, CertificateReviewForm
from xiangcun.catalog.models import Certification
from xiangcun.catalog.selectors import (
    certification_get,
    certification_may_verify,
    certifications_for_seller,
    certifications_waiting,
    products_for_seller,
)
from xiangcun.catalog.services import certification_submit, certification_verify
from xiangcun.catalog.templatetags.shop import local
from xiangcun.catalog.views import PAGE_SIZE
from xiangcun.catalog.views_console import console_seller
from xiangcun.core.pages import page_number, pagination, refusal_on_form
from xiangcun.core.types import Page


@login_required
@require_http_methods(["GET", "POST"])
def console_certificates(request: HttpRequest) -> HttpResponse:
    """My shop's certificates and the form to send one in, naming the products it covers."""
    seller = console_seller(request)
    if seller is None:
        return redirect("console:home")
    products = [
        (product.pk, local(product)) for product in products_for_seller(seller_id=seller.pk)
    ]
    form = CertificateForm(
        request.POST or None, kinds=list(Certification.Kind.choices), products=products
    )
    if request.method == "POST" and form.is_valid():
        with refusal_on_form(form) as outcome:
            certification_submit(actor=request.user, seller_id=seller.pk, **form.cleaned_data)
        if outcome.done:
            messages.success(request, _("Sent. Staff check it and the products then show it."))
            return redirect("console:certificates")
    context = {
        "seller": seller,
        "form": form,
        "has_products": bool(products),
        "certifications": certifications_for_seller(seller_id=seller.pk),
    }
    return render(request, "catalog/console_certificates.html", context)


def _require_checker(request: HttpRequest) -> None:
    if not certification_may_verify(user=request.user):
        raise PermissionDenied


@login_required
@require_safe
def certificate_review_queue(request: HttpRequest) -> HttpResponse:
    """Certificates waiting for a check, oldest first."""
    _require_checker(request)
    paginator = Paginator(certifications_waiting(), PAGE_SIZE)
    page = paginator.get_page(page_number(request))
    results = Page(
        items=list(page.object_list), count=paginator.count, page=page.number, page_size=PAGE_SIZE
    )
    context = {"results": results, "pagination": pagination(request, results)}
    return render(request, "catalog/certificate_queue.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def certificate_review(request: HttpRequest, certification_id: int) -> HttpResponse:
    """One certificate and the products it names: accept it or refuse it with a note."""
    _require_checker(request)
    try:
        certification = certification_get(certification_id=certification_id)
    except CertificationNotFoundError:
        raise Http404 from None
    form = CertificateReviewForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        approve = form.cleaned_data["decision"] == "approve"
        with refusal_on_form(form) as outcome:
            certification_verify(
                actor=request.user,
                certification_id=certification.pk,
                approve=approve,
                note=form.cleaned_data["note"],
            )
        if outcome.done:
            messages.success(request, _("Accepted.") if approve else _("Not accepted."))
            return redirect("console:certificate_queue")
    context = {
        "certification": certification,
        "form": form,
        "waiting": certification.status == Certification.Status.PENDING,
    }
    return render(request, "catalog/certificate_review.html", context)
