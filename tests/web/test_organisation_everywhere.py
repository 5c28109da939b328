"""Every organisation-owned table carries `organisation` (the house rule that lets one install
serve many organisations and the data shard by organisation). A new model without it fails
here unless it is listed below with the reason it belongs to the install, not an organisation."""

import pytest
from django.apps import apps

from mutualise.register.models import Organisation

INSTALL_LEVEL = {
    "register.Organisation": "the organisation itself",
    "accounts.RecoveryCodes": "a sign-in's second factor: a sign-in is install-wide (one person "
    "may hold roles in several organisations)",
    "accounts.RecoveryCode": "one code of a sign-in's recovery set (install-wide, as above)",
    "jobs.ScheduledRun": "one day's run of a daily job, which works through every organisation",
    "mail.SendingPace": "the install's one sending rate, shared by every worker and organisation",
}

# Tables whose rows mostly belong to an organisation but may belong to the install: organisation
# is null only for those.
INSTALL_OR_ORGANISATION = {
    "accounts.AccountRequest": "a password reset is asked of the install, a claim of an "
    "organisation",
    "jobs.Job": "the daily jobs work through every organisation; the others are one's",
    "mail.Message": "mail about a sign-in (password reset) is the install's",
    "mail.Attachment": "kept with the install's mail as with an organisation's",
    "mail.Bounce": "a bounce of the install's own mail (a password reset) is the install's",
    "mail.MessageAttachment": "an attachment carried by the install's mail, as the message is",
}


def _project_models():
    """Every table of the project, the join tables Django creates for a ManyToManyField too."""
    return [
        m
        for m in apps.get_models(include_auto_created=True)
        if m.__module__.startswith("mutualise.")
    ]


@pytest.mark.pure
def test_every_organisation_owned_table_has_organisation():
    missing = []
    for model in _project_models():
        label = model._meta.label
        if label in INSTALL_LEVEL:
            continue
        field = next((f for f in model._meta.concrete_fields if f.name == "organisation"), None)
        if field is None or field.related_model is not Organisation:
            missing.append(label)
        elif field.null and label not in INSTALL_OR_ORGANISATION:
            missing.append(f"{label} (null allowed)")
    assert missing == [], (
        "these tables belong to an organisation but have no (non-null) `organisation` foreign "
        "key: add one (a migration filling it from the parent row), or list the table above "
        "with the reason it is install-wide"
    )


@pytest.mark.pure
def test_the_install_level_list_names_real_tables_only():
    labels = {m._meta.label for m in _project_models()}
    listed = set(INSTALL_LEVEL) | set(INSTALL_OR_ORGANISATION)
    assert sorted(listed - labels) == []


@pytest.mark.pure
def test_the_walk_sees_the_join_tables_of_many_to_many_fields():
    """A ManyToManyField without `through` makes a table (no `organisation` of its own)
    `apps.get_models()` leaves out: the walk must see every many-to-many field's join table, or a
    join table between two organisations' rows would pass unseen."""
    walked = set(_project_models())
    joins = {
        field.remote_field.through for model in walked for field in model._meta.local_many_to_many
    }
    assert {m._meta.label for m in joins} >= {
        "elections.CandidateProposer",
        "elections.CandidateSeconder",
        "mail.MessageAttachment",
    }
    assert sorted(m._meta.label for m in joins - walked) == []
    assert [m._meta.label for m in walked if m._meta.auto_created] == [], (
        "a many-to-many field without a through model carrying `organisation`"
    )
