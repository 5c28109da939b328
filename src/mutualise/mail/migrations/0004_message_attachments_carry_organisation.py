"""A message's attachments carry `organisation` (issue 20 item 7): the join table Django made for
`Message.attachments` becomes the through model `MessageAttachment`, keeping its rows, with
`organisation` filled from each row's message (empty, as the message's is, for the install's own
mail).

The table is taken over as it is (state only: same table, same columns, same unique pair), then
gains `organisation` and is filled; the unique pair becomes a named constraint (added before the
old one goes, so the pair is never unguarded) and the table takes its model's name."""

import django.db.models.deletion
from django.db import migrations, models


def fill(apps, schema_editor):
    message = apps.get_model("mail", "Message")
    apps.get_model("mail", "MessageAttachment").objects.update(
        organisation_id=models.Subquery(
            message.objects.filter(pk=models.OuterRef("message_id")).values("organisation_id")[:1]
        )
    )


class Migration(migrations.Migration):
    dependencies = [
        ("mail", "0003_resend_and_address_reports"),
        ("register", "0012_organisation_mail_from"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="MessageAttachment",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True,
                                primary_key=True,
                                serialize=False,
                                verbose_name="ID",
                            ),
                        ),
                        (
                            "message",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE, to="mail.message"
                            ),
                        ),
                        (
                            "attachment",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE, to="mail.attachment"
                            ),
                        ),
                    ],
                    options={
                        "db_table": "mail_message_attachments",
                        "unique_together": {("message", "attachment")},
                    },
                ),
                migrations.AlterField(
                    model_name="message",
                    name="attachments",
                    field=models.ManyToManyField(
                        blank=True,
                        related_name="messages",
                        through="mail.MessageAttachment",
                        to="mail.attachment",
                    ),
                ),
            ]
        ),
        migrations.AddField(
            model_name="messageattachment",
            name="organisation",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="+",
                to="register.organisation",
            ),
        ),
        migrations.RunPython(fill, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name="messageattachment",
            constraint=models.UniqueConstraint(
                fields=("message", "attachment"), name="message_attachment_once"
            ),
        ),
        migrations.AlterUniqueTogether(name="messageattachment", unique_together=set()),
        migrations.AlterModelTable(name="messageattachment", table=None),
    ]
