"""The shipping console: carriers, services, zones and rates to read, and a rate to change
(warehouse and programme managers). Views parse and ask; `services.rate_update` decides."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from xiangcun.core.pages import refusal_on_form
from xiangcun.shipping import selectors, services
from xiangcun.shipping.errors import RateNotFoundError
from xiangcun.shipping.forms import RateForm
from xiangcun.shipping.models import Rate
from xiangcun.shipping.provinces import in_english, province_name


def _local(row: object) -> str:
    name, name_en = getattr(row, "name", ""), getattr(row, "name_en", "")
    return str(name_en if in_english() and name_en else name)


def _provinces(rate: Rate) -> str:
    return "、".join(province_name(code) for code in rate.zone.provinces or [])


def _require_console(request: HttpRequest, *, change: bool = False) -> None:
    if not selectors.shipping_console_allowed(user=request.user, change=change):
        raise PermissionDenied


@login_required
@require_safe
def console(request: HttpRequest) -> HttpResponse:
    """Every carrier with its services, and every zone's provinces, days and rate."""
    _require_console(request)
    carriers = [
        {
            "carrier": carrier,
            "name": _local(carrier),
            "services": [
                (service, _local(service)) for service in getattr(carrier, "services_all", [])
            ],
        }
        for carrier in selectors.carriers_list()
    ]
    rates = [
        {
            "rate": rate,
            "carrier": _local(rate.zone.service.carrier),
            "service": _local(rate.zone.service),
            "zone": _local(rate.zone),
            "provinces": _provinces(rate),
        }
        for rate in selectors.rates_list()
    ]
    context = {
        "carriers": carriers,
        "rates": rates,
        "can_change": selectors.shipping_console_allowed(user=request.user, change=True),
    }
    return render(request, "shipping/console.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def rate_edit(request: HttpRequest, rate_id: int) -> HttpResponse:
    _require_console(request, change=True)
    try:
        rate = selectors.rate_get(rate_id=rate_id)
    except RateNotFoundError:
        raise Http404 from None
    initial = {name: getattr(rate, name) for name in RateForm.base_fields}
    form = RateForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        with refusal_on_form(form) as outcome:
            services.rate_update(actor=request.user, rate_id=rate.pk, **form.service_fields())
        if outcome.done:
            messages.success(request, _("Rate saved. New quotes use it from now on."))
            return redirect("shipping:console")
    context = {
        "form": form,
        "rate": rate,
        "title": f"{_local(rate.zone.service.carrier)} {_local(rate.zone.service)} · "
        f"{_local(rate.zone)}",
        "provinces": _provinces(rate),
    }
    return render(request, "shipping/rate_form.html", context)
