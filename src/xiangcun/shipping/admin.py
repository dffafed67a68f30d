"""Back office of shipping: carriers and their services, zones (provinces ticked by name) with
their rate inline, remote-area surcharges and free-shipping rules. A quote made after a save
uses the new figures; orders already placed keep the fee they were quoted."""

from typing import Any

from django import forms
from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from xiangcun.shipping.models import (
    Carrier,
    CarrierService,
    FreeShipping,
    Rate,
    RemoteSurcharge,
    Zone,
)
from xiangcun.shipping.provinces import PROVINCES, province_choices, province_name


def _provinces_field(required: bool) -> forms.MultipleChoiceField:
    return forms.MultipleChoiceField(
        label=_("Provinces"),
        required=required,
        choices=province_choices,
        widget=forms.CheckboxSelectMultiple,
    )


class ZoneForm(forms.ModelForm):  # type: ignore[type-arg]  # django-stubs: ModelForm generics
    provinces = _provinces_field(required=True)

    class Meta:
        model = Zone
        fields = ("service", "name", "name_en", "provinces", "days_min", "days_max")

    def clean(self) -> dict[str, Any]:
        data: dict[str, Any] = super().clean() or {}
        service = data.get("service")
        low, high = data.get("days_min"), data.get("days_max")
        if low is not None and high is not None and low > high:
            self.add_error("days_max", _("The last day cannot come before the first."))
        if service is not None and data.get("provinces"):
            others = Zone.objects.filter(service=service).exclude(pk=self.instance.pk)
            taken = {code for zone in others for code in zone.provinces or []}
            clash = sorted(taken & set(data["provinces"]))
            if clash:
                self.add_error(
                    "provinces",
                    _("Already in another zone of this service: %(names)s")
                    % {"names": ", ".join(province_name(code) for code in clash)},
                )
        return data


class FreeShippingForm(forms.ModelForm):  # type: ignore[type-arg]  # as above
    provinces = _provinces_field(required=False)

    class Meta:
        model = FreeShipping
        fields = (
            "kind",
            "name",
            "seller",
            "threshold",
            "starts_on",
            "ends_on",
            "provinces",
            "is_active",
        )

    def clean(self) -> dict[str, Any]:
        data: dict[str, Any] = super().clean() or {}
        if data.get("kind") == "seller" and not data.get("seller"):
            self.add_error("seller", _("Choose the shop whose goods ship free."))
        if data.get("kind") == "promotion":
            starts, ends = data.get("starts_on"), data.get("ends_on")
            if not starts or not ends:
                self.add_error("ends_on", _("A promotion needs its first and last day."))
            elif starts > ends:
                self.add_error("ends_on", _("The last day cannot come before the first."))
        return data


class CarrierServiceInline(admin.TabularInline[CarrierService, Carrier]):
    model = CarrierService
    extra = 0
    fields = ("code", "name", "name_en", "cold_chain", "frozen_ok", "volumetric_divisor")
    show_change_link = True


@admin.register(Carrier)
class CarrierAdmin(admin.ModelAdmin[Carrier]):
    list_display = ("code", "name", "name_en", "kind", "aggregator_code", "is_active", "position")
    list_filter = ("kind", "is_active")
    search_fields = ("code", "name", "name_en")
    inlines = (CarrierServiceInline,)


@admin.register(CarrierService)
class CarrierServiceAdmin(admin.ModelAdmin[CarrierService]):
    list_display = (
        "carrier",
        "code",
        "name",
        "cold_chain",
        "frozen_ok",
        "volumetric_divisor",
        "is_active",
    )
    list_filter = ("carrier", "cold_chain", "is_active")
    list_select_related = ("carrier",)


class RateInline(admin.StackedInline[Rate, Zone]):
    model = Rate
    extra = 1
    max_num = 1
    can_delete = False


@admin.register(Zone)
class ZoneAdmin(admin.ModelAdmin[Zone]):
    form = ZoneForm
    list_display = ("name", "service", "province_names", "days_min", "days_max")
    list_filter = ("service__carrier", "service")
    list_select_related = ("service__carrier",)
    inlines = (RateInline,)

    @admin.display(description=_("Provinces"))
    def province_names(self, zone: Zone) -> str:
        return "、".join(province_name(code) for code in zone.provinces or [] if code in PROVINCES)


@admin.register(Rate)
class RateAdmin(admin.ModelAdmin[Rate]):
    list_display = (
        "zone",
        "service",
        "first_weight_g",
        "first_fee",
        "step_g",
        "step_fee",
        "cost_first_fee",
        "cost_step_fee",
    )
    list_filter = ("zone__service__carrier",)
    list_select_related = ("zone__service__carrier",)

    @admin.display(description=_("delivery service"))
    def service(self, rate: Rate) -> str:
        return str(rate.zone.service)


@admin.register(RemoteSurcharge)
class RemoteSurchargeAdmin(admin.ModelAdmin[RemoteSurcharge]):
    list_display = ("area_code", "area_name", "service", "fee", "cost")
    list_select_related = ("service__carrier",)

    @admin.display(description=_("Area"))
    def area_name(self, row: RemoteSurcharge) -> str:
        return province_name(row.area_code) if row.area_code.endswith("0000") else row.area_code


@admin.register(FreeShipping)
class FreeShippingAdmin(admin.ModelAdmin[FreeShipping]):
    form = FreeShippingForm
    list_display = ("__str__", "kind", "seller", "threshold", "starts_on", "ends_on", "is_active")
    list_filter = ("kind", "is_active")
    list_select_related = ("seller",)
    raw_id_fields = ("seller",)
