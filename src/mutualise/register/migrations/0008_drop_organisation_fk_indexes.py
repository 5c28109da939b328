"""Drop the single-column organisation_id indexes of members and membership periods: every
(organisation, ...) index serves those lookups, and each index slows a bulk import.

Only the indexes are dropped: Django's own AlterField would also drop and re-add the foreign
keys, re-checking every row of a large register under lock."""

import django.db.models.deletion
from django.db import migrations, models

INDEXES = {
    "register_member": "register_member_organisation_id_0e07edfb",
    "register_membershipperiod": "register_membershipperiod_organisation_id_600e1353",
}


class Migration(migrations.Migration):
    dependencies = [
        ("register", "0007_member_ordering_by_id"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="member",
                    name="organisation",
                    field=models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="members",
                        to="register.organisation",
                    ),
                ),
                migrations.AlterField(
                    model_name="membershipperiod",
                    name="organisation",
                    field=models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="register.organisation",
                    ),
                ),
            ],
            database_operations=[
                migrations.RunSQL(
                    f'DROP INDEX IF EXISTS "{index}"',
                    reverse_sql=f'CREATE INDEX "{index}" ON "{table}" ("organisation_id")',
                )
                for table, index in INDEXES.items()
            ],
        ),
    ]
