"""A proxy's instructions sealed (issue 10): on a secret poll an instruction is the appointer's
vote, so no copy of the database may show it beside them (docs/secrecy-meeting-polls.md)."""

from django.db import migrations, models


def seal_instructions(apps, schema_editor):
    from mutualise.meetings.models import INSTRUCTIONS_SEAL

    ProxyAppointment = apps.get_model("meetings", "ProxyAppointment")
    for appointment in ProxyAppointment.objects.only("pk", "instructions").iterator():
        appointment.instructions_sealed = INSTRUCTIONS_SEAL.seal(dict(appointment.instructions))
        appointment.save(update_fields=["instructions_sealed"])


def open_instructions(apps, schema_editor):
    from mutualise.meetings.models import INSTRUCTIONS_SEAL

    ProxyAppointment = apps.get_model("meetings", "ProxyAppointment")
    for appointment in ProxyAppointment.objects.only("pk", "instructions_sealed").iterator():
        sealed = appointment.instructions_sealed
        appointment.instructions = INSTRUCTIONS_SEAL.unseal(sealed) if sealed else {}
        appointment.save(update_fields=["instructions"])


class Migration(migrations.Migration):
    dependencies = [("meetings", "0007_online_hands")]

    operations = [
        migrations.AddField(
            model_name="proxyappointment",
            name="instructions_sealed",
            field=models.TextField(blank=True, default=""),
        ),
        migrations.RunPython(seal_instructions, open_instructions),
        migrations.RemoveField(model_name="proxyappointment", name="instructions"),
    ]
