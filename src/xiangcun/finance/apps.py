from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FinanceConfig(AppConfig):
    name = "xiangcun.finance"
    label = "finance"
    verbose_name = _("Finance")

    def ready(self) -> None:
        # Repayments: accounts (below us) writes a loan reminder's text at send time, in the
        # person's language, through this renderer; payments tells us a WeChat Pay repayment
        # (reference "loan:<id>:<n>") succeeded, inside the transaction that records it.
        from xiangcun.accounts.services import sms_kind_register
        from xiangcun.finance.services import (
            LOAN_REMINDER_SMS,
            loan_reminder_sms,
            repayment_payment_succeeded,
        )
        from xiangcun.payments.services import payment_succeeded_register

        sms_kind_register(LOAN_REMINDER_SMS, loan_reminder_sms)
        payment_succeeded_register(repayment_payment_succeeded)
