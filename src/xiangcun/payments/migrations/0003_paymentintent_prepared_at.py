"""Payments record when the provider prepared them; payments made before were prepared in the
transaction that opened them."""

from typing import Any

from django.db import migrations, models
from django.db.models import F


def prepared_when_opened(apps: Any, schema_editor: Any) -> None:
    PaymentIntent = apps.get_model("payments", "PaymentIntent")
    PaymentIntent.objects.filter(prepared_at__isnull=True).update(prepared_at=F("created_at"))


class Migration(migrations.Migration):
    dependencies = [("payments", "0002_refund_cash_station")]

    operations = [
        migrations.AddField(
            model_name="paymentintent",
            name="prepared_at",
            field=models.DateTimeField(blank=True, null=True, verbose_name="prepared at"),
        ),
        migrations.RunPython(prepared_when_opened, migrations.RunPython.noop),
    ]
