from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "xiangcun.accounts"
    label = "accounts"
    verbose_name = _("Accounts")

    def ready(self) -> None:
        # The SMS task writes a login code's text when it sends it (see accounts.sms).
        from xiangcun.accounts.services import LOGIN_CODE_SMS, login_code_sms, sms_kind_register

        sms_kind_register(LOGIN_CODE_SMS, login_code_sms)
