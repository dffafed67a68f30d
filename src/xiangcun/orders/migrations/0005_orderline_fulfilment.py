"""Order lines carry their own fulfilment (a seller moves only their own lines); lines of
orders already on their way take the step their order had reached."""

from django.db import migrations, models

SHIPPED_ORDERS = ("shipped", "delivered", "completed", "return_requested", "refunded")


def fulfilment_from_order(apps, schema_editor):
    OrderLine = apps.get_model("orders", "OrderLine")
    OrderLine.objects.filter(order__status="packing").update(fulfilment="packing")
    OrderLine.objects.filter(order__status__in=SHIPPED_ORDERS).update(fulfilment="shipped")


class Migration(migrations.Migration):
    dependencies = [("orders", "0004_order_home_point")]

    operations = [
        migrations.AddField(
            model_name="orderline",
            name="fulfilment",
            field=models.CharField(
                choices=[("open", "Not started"), ("packing", "Packing"), ("shipped", "Shipped")],
                default="open",
                max_length=10,
                verbose_name="fulfilment",
            ),
        ),
        migrations.RunPython(fulfilment_from_order, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name="orderline",
            constraint=models.CheckConstraint(
                condition=models.Q(("fulfilment__in", ["open", "packing", "shipped"])),
                name="orders_line_fulfilment_valid",
            ),
        ),
    ]
