"""Order timeline steps as a code and its values, put into words in the reader's language.
Older steps the system wrote with fixed words (in Chinese or English) get their code; steps with
values (amounts, shop names) and notes people typed stay as they were written."""

from typing import Any

from django.db import migrations, models
from django.utils import translation

from xiangcun.orders.types import ORDER_EVENT_TEXTS


def _codes_from_notes(apps: Any, schema_editor: Any) -> None:
    event_model = apps.get_model("orders", "OrderEvent")
    for code, text in ORDER_EVENT_TEXTS.items():
        words = set()
        for language in ("zh-hans", "en"):
            with translation.override(language):
                words.add(str(text))
        if any("%(" in word for word in words):
            continue  # its values were put into the words; the row keeps them as written
        event_model.objects.filter(code="", note__in=words).update(code=code, note="")


class Migration(migrations.Migration):
    dependencies = [
        ("orders", "0008_order_day_indexes"),
    ]

    operations = [
        migrations.AddField(
            model_name="orderevent",
            name="code",
            field=models.CharField(blank=True, max_length=40, verbose_name="code"),
        ),
        migrations.AddField(
            model_name="orderevent",
            name="params",
            field=models.JSONField(blank=True, default=dict, verbose_name="values"),
        ),
        migrations.RunPython(_codes_from_notes, migrations.RunPython.noop),
    ]
