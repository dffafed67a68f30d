"""No login code or pickup code is kept in clear anywhere: a buyer logs in by SMS and their
parcel reaches a station that texts its pickup code, with the texts going through the database
task queue and its worker as in production; then every table and the logs are searched for
both codes."""

import json
import logging
import re
from typing import Any

import pytest
from django.apps import apps
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django_tasks_db.models import DBTaskResult

from xiangcun.accounts.models import User
from xiangcun.accounts.sms import SmsMessage
from xiangcun.logistics import services
from xiangcun.logistics.models import Parcel

TEXT_TYPES = {
    "CharField",
    "TextField",
    "JSONField",
    "SlugField",
    "EmailField",
    "URLField",
    "FileField",
    "ImageField",
    "FilePathField",
    "GenericIPAddressField",
}


def tables_holding(secret: str) -> list[str]:
    """Every text and JSON column of every model's table (the task queue's included) that
    holds `secret` as a number of its own, read with raw SQL."""
    alone = re.compile(rf"(?<![0-9A-Za-z]){re.escape(secret)}(?![0-9A-Za-z])")
    found = []
    with connection.cursor() as cursor:
        for model in apps.get_models(include_auto_created=True):
            if not model._meta.managed or model._meta.proxy:
                continue
            table = model._meta.db_table
            columns = [
                field.column
                for field in model._meta.concrete_fields
                if field.get_internal_type() in TEXT_TYPES
            ]
            if not columns:
                continue
            quoted = ", ".join(connection.ops.quote_name(column) for column in columns)
            cursor.execute(f"SELECT {quoted} FROM {connection.ops.quote_name(table)}")  # noqa: S608
            for row in cursor.fetchall():
                for column, value in zip(columns, row, strict=True):
                    text = value if isinstance(value, str) else json.dumps(value, default=str)
                    if alone.search(text):
                        found.append(f"{table}.{column}")
    return sorted(set(found))


def work_off_the_queue() -> None:
    """What `xiangcun worker` does, until the queue is empty."""
    call_command(
        "db_worker", queue_name="*", batch=True, interval=0, startup_delay=False, verbosity=2
    )


def last_code(outbox: list[SmsMessage], phone: str) -> str:
    match = re.search(r"(?<!\d)(\d{6})(?!\d)", [m for m in outbox if m.phone == phone][-1].message)
    assert match
    return match.group(1)


@pytest.mark.django_db(transaction=True)
def test_no_login_or_pickup_code_is_kept_in_clear_anywhere(
    packed_parcel: Parcel,
    driver: User,
    client: Client,
    settings: Any,
    sms_outbox: list[SmsMessage],
    caplog: pytest.LogCaptureFixture,
) -> None:
    settings.TASKS = {
        "default": {
            "BACKEND": "django_tasks_db.DatabaseBackend",
            "QUEUES": list(settings.TASK_QUEUES),
        }
    }
    caplog.set_level(logging.DEBUG)
    parcel = packed_parcel
    phone = parcel.phone

    # The buyer logs in by SMS through the API.
    sent = client.post("/api/v1/auth/otp", {"phone": phone}, content_type="application/json")
    assert sent.status_code == 202
    assert sms_outbox == []  # queued, not sent: the worker sends it
    work_off_the_queue()
    login_code = last_code(sms_outbox, phone)
    token = client.post(
        "/api/v1/auth/otp/token",
        {"phone": phone, "code": login_code},
        content_type="application/json",
    )
    assert token.status_code == 200

    # The parcel reaches its station, which texts the pickup code.
    services.parcel_station_receive(actor=driver, parcel_id=parcel.pk)
    work_off_the_queue()
    parcel.refresh_from_db()
    pickup_code = last_code(sms_outbox, phone)
    assert pickup_code == services.pickup_code_for(parcel)
    assert pickup_code != login_code

    # The queue held the texts' kinds and references, never a code or a text.
    sms_tasks = DBTaskResult.objects.filter(task_path="xiangcun.accounts.tasks.sms_send")
    assert sms_tasks.count() >= 2
    for task_row in sms_tasks:
        assert task_row.status == "SUCCESSFUL"
        stored = json.dumps([task_row.args_kwargs, task_row.return_value])
        assert login_code not in stored
        assert pickup_code not in stored
        assert set(task_row.args_kwargs["kwargs"]) == {"phone", "kind", "params"}

    assert tables_holding(login_code) == []
    assert tables_holding(pickup_code) == []
    assert login_code not in caplog.text
    assert pickup_code not in caplog.text
    assert "sms_send" in caplog.text  # the worker's log was captured

    # The search does find a code left in clear.
    User.objects.filter(pk=driver.pk).update(name=f"取件码 {pickup_code}")
    assert tables_holding(pickup_code) == ["accounts_user.name"]
