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
}


def _project_models():
    return [m for m in apps.get_models() if m.__module__.startswith("mutualise.")]


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
    assert sorted((set(INSTALL_LEVEL) | set(INSTALL_OR_ORGANISATION)) - labels) == []
