import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("regions", "0001_initial"),
    ]

    operations = [
        migrations.CreateModel(
            name="Division",
            fields=[
                (
                    "code",
                    models.CharField(
                        max_length=6,
                        primary_key=True,
                        serialize=False,
                        verbose_name="division code",
                    ),
                ),
                ("name", models.CharField(max_length=32, verbose_name="name")),
                (
                    "name_en",
                    models.CharField(blank=True, max_length=64, verbose_name="English name"),
                ),
                (
                    "level",
                    models.CharField(
                        choices=[
                            ("province", "province"),
                            ("prefecture", "prefecture"),
                            ("county", "county"),
                        ],
                        max_length=10,
                        verbose_name="level",
                    ),
                ),
                (
                    "parent",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="children",
                        to="regions.division",
                    ),
                ),
            ],
            options={
                "verbose_name": "administrative division",
                "verbose_name_plural": "administrative divisions",
                "ordering": ["code"],
                "constraints": [
                    models.CheckConstraint(
                        condition=models.Q(("code__regex", "^[1-9][0-9]{5}$")),
                        name="regions_division_code_six_digits",
                    ),
                    models.CheckConstraint(
                        condition=models.Q(
                            models.Q(("level", "province"), ("parent__isnull", True)),
                            models.Q(
                                models.Q(("level", "province"), _negated=True),
                                ("parent__isnull", False),
                            ),
                            _connector="OR",
                        ),
                        name="regions_division_only_provinces_are_roots",
                    ),
                ],
            },
        ),
    ]
