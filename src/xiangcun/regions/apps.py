from typing import Any

from django.apps import AppConfig
from django.db import connections, transaction
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


def _divisions_restore(using: str = "default", **kwargs: Any) -> None:
    """Put the country's divisions back into an empty table after `migrate` or `flush`.

    The data migration loads them once; a flush (tests that commit, and so empty every table
    when they end) would otherwise leave later tests and pages without a single province.

    The rows go in as one transaction, and this process's in-memory index is cleared before and
    after: a request served meanwhile (a live server answering a page's late retry) would
    otherwise have kept a half-filled copy, with some provinces' counties missing."""
    from xiangcun.regions.division_index import division_index_clear
    from xiangcun.regions.divisions_data import division_inserts
    from xiangcun.regions.models import Division

    connection = connections[using]
    if Division._meta.db_table not in connection.introspection.table_names():
        return
    if Division.objects.using(using).exists():
        return
    division_index_clear()
    with transaction.atomic(using=using), connection.cursor() as cursor:
        for sql, params in division_inserts():
            cursor.execute(sql, params)
    division_index_clear()


class RegionsConfig(AppConfig):
    name = "xiangcun.regions"
    label = "regions"
    verbose_name = _("Regions")

    def ready(self) -> None:
        post_migrate.connect(_divisions_restore, sender=self)
