"""Every organisation-owned table carries `organisation` (issue 20 item 7): requisition signatures and motion supporters
gain it, filled from their requisition's or motion's."""

import django.db.models.deletion
from django.db import migrations, models

TABLES = {"RequisitionSignature": "requisition", "MotionSupporter": "motion"}


def fill(apps, schema_editor):
    for name, parent in TABLES.items():
        model = apps.get_model("meetings", name)
        owner = model._meta.get_field(parent).related_model
        model.objects.update(
            organisation_id=models.Subquery(
                owner.objects.filter(pk=models.OuterRef(f"{parent}_id")).values("organisation_id")[
                    :1
                ]
            )
        )


def _field(null):
    return models.ForeignKey(
        null=null,
        on_delete=django.db.models.deletion.PROTECT,
        related_name="+",
        to="register.organisation",
    )


class Migration(migrations.Migration):
    dependencies = [
        ("meetings", "0004_meeting_record"),
        ("register", "0012_organisation_mail_from"),
    ]

    operations = [
        *[
            migrations.AddField(model_name=name.lower(), name="organisation", field=_field(True))
            for name in TABLES
        ],
        migrations.RunPython(fill, migrations.RunPython.noop),
        *[
            migrations.AlterField(model_name=name.lower(), name="organisation", field=_field(False))
            for name in TABLES
        ],
    ]
