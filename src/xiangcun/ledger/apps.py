from django.apps import AppConfig
from django.db.backends.signals import connection_created
from django.utils.translation import gettext_lazy as _


class LedgerConfig(AppConfig):
    name = "xiangcun.ledger"
    label = "ledger"
    verbose_name = _("Ledger")

    def ready(self) -> None:
        from xiangcun.ledger.sqlite import sqlite_connection_prepare

        connection_created.connect(sqlite_connection_prepare, dispatch_uid="ledger_sqlite")
