"""The annual-meeting reminder's kind is `annual`, not `agm` (issue 20: the rulebook decides
which kind of meeting is the annual one, `annual: true` in `meetings.kinds`; an NHS trust's is
its annual members' meeting). Stored rows are converted, kind and key, so the daily run finds
them again and neither re-raises nor re-mails a reminder already sent."""

from django.db import migrations, models

NEW = ["annual", "term", "nominations", "poll"]


def _convert(old: str, new: str):
    def run(apps, schema_editor):
        Reminder = apps.get_model("governance", "Reminder")
        Reminder.objects.filter(kind=old, key=old).update(kind=new, key=new)
        Reminder.objects.filter(kind=old).update(kind=new)

    return run


def _kind(choices):
    return models.CharField(max_length=16, choices=choices)


class Migration(migrations.Migration):
    dependencies = [("governance", "0002_reminders")]

    operations = [
        migrations.RemoveConstraint(model_name="reminder", name="reminder_kind_known"),
        migrations.AlterField(
            model_name="reminder",
            name="kind",
            field=_kind(
                [
                    ("annual", "Annual meeting due"),
                    ("term", "Term ending"),
                    ("nominations", "Nominations closing"),
                    ("poll", "Poll closing"),
                ]
            ),
        ),
        migrations.RunPython(_convert("agm", "annual"), _convert("annual", "agm")),
        migrations.AddConstraint(
            model_name="reminder",
            constraint=models.CheckConstraint(
                condition=models.Q(("kind__in", NEW)), name="reminder_kind_known"
            ),
        ),
    ]
