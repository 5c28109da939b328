"""A candidate's proposers and seconders carry `organisation` (issue 20 item 7): the join tables
Django made for the two many-to-many fields become through models, keeping their rows, with
`organisation` filled from each row's candidate.

Each table is taken over as it is (state only: same table, same columns, same unique pair), then
gains `organisation`, filled, made required; the unique pair becomes a named constraint (added
before the old one goes, so the pair is never unguarded) and the table takes its model's name.
Nominations are public: neither table is among the secret tables (storage.py)."""

import django.db.models.deletion
from django.db import migrations, models

LINKS = {"CandidateProposer": "proposers", "CandidateSeconder": "seconders"}


def fill(apps, schema_editor):
    candidate = apps.get_model("elections", "Candidate")
    for name in LINKS:
        apps.get_model("elections", name).objects.update(
            organisation_id=models.Subquery(
                candidate.objects.filter(pk=models.OuterRef("candidate_id")).values(
                    "organisation_id"
                )[:1]
            )
        )


def _organisation(null):
    return models.ForeignKey(
        null=null,
        on_delete=django.db.models.deletion.PROTECT,
        related_name="+",
        to="register.organisation",
    )


def _take_over(name, field, related_name):
    """The join table Django made for `Candidate.<field>`, declared as the through model `name`
    (no change to the database)."""
    return migrations.SeparateDatabaseAndState(
        state_operations=[
            migrations.CreateModel(
                name=name,
                fields=[
                    (
                        "id",
                        models.BigAutoField(
                            auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                        ),
                    ),
                    (
                        "candidate",
                        models.ForeignKey(
                            on_delete=django.db.models.deletion.CASCADE, to="elections.candidate"
                        ),
                    ),
                    (
                        "member",
                        models.ForeignKey(
                            on_delete=django.db.models.deletion.CASCADE, to="register.member"
                        ),
                    ),
                ],
                options={
                    "db_table": f"elections_candidate_{field}",
                    "unique_together": {("candidate", "member")},
                },
            ),
            migrations.AlterField(
                model_name="candidate",
                name=field,
                field=models.ManyToManyField(
                    blank=True,
                    related_name=related_name,
                    through=f"elections.{name}",
                    to="register.member",
                ),
            ),
        ]
    )


class Migration(migrations.Migration):
    dependencies = [
        ("elections", "0005_turnout_and_paper_nominations"),
        ("register", "0012_organisation_mail_from"),
    ]

    operations = [
        _take_over("CandidateProposer", "proposers", "proposed"),
        _take_over("CandidateSeconder", "seconders", "seconded"),
        *[
            migrations.AddField(
                model_name=name.lower(), name="organisation", field=_organisation(True)
            )
            for name in LINKS
        ],
        migrations.RunPython(fill, migrations.RunPython.noop),
        *[
            migrations.AlterField(
                model_name=name.lower(), name="organisation", field=_organisation(False)
            )
            for name in LINKS
        ],
        *[
            migrations.AddConstraint(
                model_name=name.lower(),
                constraint=models.UniqueConstraint(
                    fields=("candidate", "member"), name=f"candidate_{name[9:].lower()}_once"
                ),
            )
            for name in LINKS
        ],
        *[
            migrations.AlterUniqueTogether(name=name.lower(), unique_together=set())
            for name in LINKS
        ],
        *[migrations.AlterModelTable(name=name.lower(), table=None) for name in LINKS],
    ]
