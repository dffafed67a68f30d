from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TrainingConfig(AppConfig):
    name = "xiangcun.training"
    label = "training"
    verbose_name = _("Training")

    def ready(self) -> None:
        # Accounts (below us) sends the texts; these renderers write them at send time, in the
        # recipient's language, and say nothing once the seat is gone.
        from xiangcun.accounts.services import sms_kind_register
        from xiangcun.training.services import (
            SEAT_FREED_SMS,
            SESSION_REMINDER_SMS,
            seat_freed_sms,
            session_reminder_sms,
        )

        sms_kind_register(SESSION_REMINDER_SMS, session_reminder_sms)
        sms_kind_register(SEAT_FREED_SMS, seat_freed_sms)

        # The station desk (servicecenter, above us) lists this among its entry points, for
        # those who may take attendance (trainers; the sheet is theirs).
        from xiangcun.core.pages import desk_entry_register
        from xiangcun.training.selectors import TRAINING_STAFF

        desk_entry_register(
            "training_attendance", _("Take training attendance"), "training:trainer", TRAINING_STAFF
        )
