"""Back office for users, residents and households. ID card numbers appear masked only."""

from typing import Any

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.contrib.auth import REDIRECT_FIELD_NAME
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.forms import BaseUserCreationForm
from django.contrib.auth.forms import UserChangeForm as DjangoUserChangeForm
from django.contrib.auth.views import redirect_to_login
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext_lazy as _

from xiangcun.accounts.errors import IdNumberTakenError
from xiangcun.accounts.idcards import id_number_hash, id_number_mask, id_number_normalize
from xiangcun.accounts.models import ApiToken, Household, LoginGuard, ResidentProfile, User
from xiangcun.accounts.services import login_guard_reset
from xiangcun.core.errors import XiangcunError
from xiangcun.core.validators import mobile_normalize


def admin_login(request: HttpRequest, extra_context: dict[str, Any] | None = None) -> HttpResponse:
    """The admin's own form would check a password alone (Django's ModelBackend): no failure
    counted, no SMS code after repeated wrong passwords. Everyone logs in on the site's page
    (`password_login`), which the admin sends them to and which brings them back."""
    wanted = request.GET.get(REDIRECT_FIELD_NAME, "")
    if not url_has_allowed_host_and_scheme(
        wanted, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        wanted = ""
    target = wanted or reverse("admin:index")
    if request.user.is_active and request.user.is_staff:
        return redirect(target)
    return redirect_to_login(target, login_url=settings.LOGIN_URL)


admin.site.login = admin_login  # type: ignore[method-assign]  # our view on the default site


def _clean_phone(form: forms.ModelForm[User]) -> str:
    try:
        return mobile_normalize(form.cleaned_data["phone"])
    except XiangcunError as error:
        raise forms.ValidationError(str(error.message)) from error


class UserCreationForm(BaseUserCreationForm[User]):
    class Meta:
        model = User
        fields = ("phone", "name")

    def clean_phone(self) -> str:
        return _clean_phone(self)


class UserChangeForm(DjangoUserChangeForm[User]):
    class Meta:
        model = User
        fields = "__all__"

    def clean_phone(self) -> str:
        return _clean_phone(self)


@admin.register(User)
class UserAdmin(DjangoUserAdmin[User]):  # type: ignore[type-var]  # stubs want AbstractUser
    # Roles are the groups; a staff role's holders get back-office access when granted by
    # the services (role_grant) or by `xiangcun roles_sync`.
    form = UserChangeForm
    add_form = UserCreationForm
    ordering = ("phone",)
    list_display = ("phone", "name", "is_active", "is_staff", "date_joined")
    list_filter = ("is_active", "is_staff", "is_superuser", "groups")
    search_fields = ("phone", "name")
    fieldsets = (
        (None, {"fields": ("phone", "password")}),
        (_("Personal details"), {"fields": ("name", "language")}),
        (
            _("Roles and access"),
            {"fields": ("is_active", "groups", "is_staff", "is_superuser", "user_permissions")},
        ),
        (_("Dates"), {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (
        (None, {"classes": ("wide",), "fields": ("phone", "name", "password1", "password2")}),
    )


class ResidentForm(forms.ModelForm[ResidentProfile]):
    # Write-only: typed to set or replace the number, never filled back in.
    id_number = forms.CharField(
        label=_("ID card number"),
        required=False,
        max_length=20,
        help_text=_("Leave empty to keep the current number. Only a masked form is kept."),
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )

    class Meta:
        model = ResidentProfile
        fields = ("name", "phone", "village", "household", "user")

    def clean_id_number(self) -> str:
        raw = self.cleaned_data.get("id_number", "")
        if not raw:
            return ""
        try:
            number = id_number_normalize(raw)
        except XiangcunError as error:
            raise forms.ValidationError(str(error.message)) from error
        taken = ResidentProfile.objects.filter(id_number_hash=id_number_hash(number))
        if self.instance.pk:
            taken = taken.exclude(pk=self.instance.pk)
        if taken.exists():
            raise forms.ValidationError(str(IdNumberTakenError.default_message))
        return number

    def save(self, commit: bool = True) -> Any:
        number = self.cleaned_data.get("id_number")
        if number:
            self.instance.id_number_hash = id_number_hash(number)
            self.instance.id_number_masked = id_number_mask(number)
        return super().save(commit=commit)


@admin.register(ResidentProfile)
class ResidentProfileAdmin(admin.ModelAdmin[ResidentProfile]):
    form = ResidentForm
    list_display = ("name", "village", "id_number_masked", "phone", "household")
    list_select_related = ("village", "household")
    search_fields = ("name", "phone")
    readonly_fields = ("id_number_masked",)
    raw_id_fields = ("user", "household")
    fields = ("name", "phone", "village", "household", "user", "id_number_masked", "id_number")


@admin.register(Household)
class HouseholdAdmin(admin.ModelAdmin[Household]):
    list_display = ("head_name", "village", "registered_poor", "register_number")
    list_filter = ("registered_poor",)
    list_select_related = ("village",)
    search_fields = ("head_name", "register_number")


@admin.register(LoginGuard)
class LoginGuardAdmin(admin.ModelAdmin[LoginGuard]):
    list_display = ("phone", "failures", "last_failure_at", "failures_since_login")
    search_fields = ("phone",)
    readonly_fields = (
        "phone",
        "failures",
        "last_failure_at",
        "failures_since_login",
        "alerted_at",
    )
    actions = ("unlock",)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    @admin.action(description=_("Unlock the selected numbers"))
    def unlock(self, request: HttpRequest, queryset: QuerySet[LoginGuard]) -> None:
        for guard in queryset:
            login_guard_reset(phone=guard.phone)
        self.message_user(request, _("Unlocked."), messages.SUCCESS)


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin[ApiToken]):
    list_display = ("user", "created_at", "expires_at", "last_used_at", "revoked_at")
    list_select_related = ("user",)
    search_fields = ("user__phone",)
    exclude = ("key_hash",)
    readonly_fields = ("user", "created_at", "expires_at", "last_used_at", "revoked_at")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False
