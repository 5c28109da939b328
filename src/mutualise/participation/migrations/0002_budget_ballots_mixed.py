"""Budget ballots mixed during voting (mixing.py): the held ballot is sealed, the vote record
gets a random key (its integer key was the order of voting), and the secret tables are WITHOUT
ROWID on SQLite. Ballots held before this (plain choices, never written beside their record)
are moved to the final table at once, in a random order; records are rewritten shuffled."""

import secrets
import uuid

import django.db.models.deletion
from django.db import migrations, models

_RANDOM = secrets.SystemRandom()


def _move_plain_held_ballots(apps, schema_editor):
    held = apps.get_model("participation", "HeldBudgetBallot")
    final = apps.get_model("participation", "BudgetBallot")
    rows = list(held.objects.values_list("organisation_id", "budget_id", "choices"))
    _RANDOM.shuffle(rows)
    final.objects.bulk_create(
        [final(id=uuid.uuid4(), organisation_id=o, budget_id=b, choices=c) for o, b, c in rows]
    )
    held.objects.all().delete()


def _copy_records(apps, schema_editor):
    old = apps.get_model("participation", "LegacyBudgetVoteRecord")
    new = apps.get_model("participation", "BudgetVoteRecord")
    rows = list(old.objects.values_list("organisation_id", "budget_id", "member_id", "channel"))
    _RANDOM.shuffle(rows)
    new.objects.bulk_create(
        [
            new(id=uuid.uuid4(), organisation_id=o, budget_id=b, member_id=m, channel=c)
            for o, b, m, c in rows
        ]
    )


def _without_rowid(apps, schema_editor):
    from mutualise.participation.storage import SECRET_TABLES, rebuild_without_rowid

    for table in SECRET_TABLES:
        rebuild_without_rowid(schema_editor.connection, table)


class Migration(migrations.Migration):
    dependencies = [
        ("participation", "0001_initial"),
        ("register", "0010_import_as_applicants"),
    ]

    operations = [
        migrations.RunPython(_move_plain_held_ballots, migrations.RunPython.noop),
        migrations.RemoveField(model_name="heldbudgetballot", name="choices"),
        migrations.AddField(
            model_name="heldbudgetballot",
            name="sealed",
            field=models.TextField(default=""),
            preserve_default=False,
        ),
        migrations.RemoveConstraint(model_name="budgetvoterecord", name="budget_vote_once"),
        migrations.RenameModel("BudgetVoteRecord", "LegacyBudgetVoteRecord"),
        migrations.CreateModel(
            name="BudgetVoteRecord",
            fields=[
                (
                    "id",
                    models.UUIDField(
                        default=uuid.uuid4, editable=False, primary_key=True, serialize=False
                    ),
                ),
                ("channel", models.CharField(default="online", max_length=8)),
                (
                    "budget",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to="participation.budget",
                    ),
                ),
                (
                    "member",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="register.member",
                    ),
                ),
                (
                    "organisation",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="register.organisation",
                    ),
                ),
            ],
            options={
                "constraints": [
                    models.UniqueConstraint(fields=("budget", "member"), name="budget_vote_once")
                ]
            },
        ),
        migrations.RunPython(_copy_records, migrations.RunPython.noop),
        migrations.DeleteModel("LegacyBudgetVoteRecord"),
        migrations.RunPython(_without_rowid, migrations.RunPython.noop),
    ]
