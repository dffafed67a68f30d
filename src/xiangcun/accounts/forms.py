"""Form fields of the login and registration pages: parsing only, the services judge."""

from django import forms
from django.utils.translation import gettext_lazy as _

_PHONE_ATTRS = {"type": "tel", "inputmode": "tel", "autocomplete": "tel", "maxlength": "20"}


class PhoneField(forms.CharField):
    def __init__(self) -> None:
        super().__init__(
            label=_("Mobile number"),
            max_length=20,
            widget=forms.TextInput(attrs=_PHONE_ATTRS),
            error_messages={"required": _("Enter your mobile number.")},
        )


class CodeField(forms.CharField):
    def __init__(self, *, required: bool = True) -> None:
        super().__init__(
            label=_("Code from the text message"),
            max_length=12,
            required=required,
            widget=forms.TextInput(
                attrs={
                    "inputmode": "numeric",
                    "autocomplete": "one-time-code",
                    "pattern": "[0-9 ]*",
                }
            ),
            error_messages={"required": _("Enter the six-digit code.")},
        )


class PasswordLoginForm(forms.Form):
    phone = PhoneField()
    password = forms.CharField(
        label=_("Password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
        error_messages={"required": _("Enter your password.")},
    )
    # Asked for only after repeated wrong passwords for the phone.
    code = CodeField(required=False)


class OtpRequestForm(forms.Form):
    phone = PhoneField()


class OtpLoginForm(forms.Form):
    phone = PhoneField()
    code = CodeField()


class RegisterForm(forms.Form):
    phone = PhoneField()
    name = forms.CharField(
        label=_("Your name"),
        required=False,
        max_length=64,
        help_text=_("Optional. Sellers and couriers see it on your orders."),
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    password = forms.CharField(
        label=_("Choose a password"),
        strip=False,
        help_text=_("At least 8 characters, not only digits."),
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        error_messages={"required": _("Choose a password.")},
    )
