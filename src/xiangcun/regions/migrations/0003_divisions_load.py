"""Load mainland China's provinces, prefectures and counties from regions/data/divisions.csv.

Plain multi-row INSERTs (about 3,200 rows) rather than RunPython: RunPython renders every
model of the project first, which alone took about a second, and the test suite builds this
database many times. `xiangcun divisions-load` refreshes the table from the file later on.
"""

from django.db import migrations

from xiangcun.regions.divisions_data import division_inserts


class Migration(migrations.Migration):
    dependencies = [
        ("regions", "0002_division"),
    ]

    operations = [
        migrations.RunSQL(
            sql=division_inserts(),
            reverse_sql=["DELETE FROM regions_division"],
        )
    ]
