"""Organisations: creating one, adopting its constitution, granting roles."""

from __future__ import annotations

import hashlib
from email.utils import formataddr, parseaddr
from pathlib import Path

from django.db import transaction
from django.utils.text import slugify

from mutualise import clock
from mutualise.audit import services as audit
from mutualise.constitution import load_text, model_path
from mutualise.constitution import settings as rulebook_settings
from mutualise.constitution.asset_lock import lock_change_refusal
from mutualise.constitution.editorial import strip_model_notes
from mutualise.mail import services as mail

from ..errors import require
from ..models import (
    ConstitutionVersion,
    Organisation,
    Role,
)


class OrganisationError(ValueError):
    """A request the organisation's rules or the register cannot accept."""


def _unique_slug(name: str) -> str:
    base = slugify(name)[:70] or "organisation"
    slug, n = base, 1
    while Organisation.objects.filter(slug=slug).exists():
        n += 1
        slug = f"{base}-{n}"
    return slug


def create_organisation(
    *,
    name: str,
    constitution_text: str,
    source_name: str,
    actor=None,
    slug: str | None = None,
    model_slug: str = "",
    first_administrator=None,
) -> Organisation:
    """Found an organisation on a rulebook. The rulebook is checked in full before anything is
    written: a rulebook with any problem raises RulebookError and nothing is stored.
    `first_administrator` (the founder) is made its administrator in the same transaction.
    One made from a model adopts it without the model's editorial notes (its sources, [S]/[R]
    marks)."""
    require(
        "register.create_organisation", actor, None,
        "Only a system administrator can set up a new organisation on this install.",
    )  # fmt: skip
    if model_slug:
        model_text = Path(model_path(model_slug)).read_text(encoding="utf-8")
        constitution_text = strip_model_notes(constitution_text, model_text)
    load_text(constitution_text, source_name)  # raises RulebookError listing every problem
    if slug and Organisation.objects.filter(slug=slug).exists():
        raise OrganisationError(f"an organisation with slug '{slug}' already exists")
    with transaction.atomic():
        organisation = Organisation.objects.create(
            slug=slug or _unique_slug(name), name=name, model_slug=model_slug
        )
        version = _add_version(organisation, constitution_text, source_name, actor, "founded")
        audit.record(
            organisation,
            "organisation.created",
            actor=actor,
            subject=organisation,
            data={
                "name": name,
                "slug": organisation.slug,
                "model": model_slug,
                "constitution_sha256": version.sha256,
            },
        )
        if first_administrator is not None:
            _grant(organisation, first_administrator, Role.Kind.ADMINISTRATOR, actor)
    return organisation


def create_from_model(*, model: str, name: str, actor=None, slug: str | None = None):
    path = model_path(model)
    text = Path(path).read_text(encoding="utf-8")
    # The adopted rulebook carries the organisation's own name, not the model's example one
    # (as the founding form writes it); everything else stays as the model says.
    text = rulebook_settings.apply(text, {"organisation.name": name})
    return create_organisation(
        name=name,
        constitution_text=text,
        source_name=Path(path).name,
        actor=actor,
        slug=slug,
        model_slug=model,
    )


def create_from_file(*, path: str | Path, name: str | None = None, actor=None, slug=None):
    path = Path(path)
    data = path.read_bytes()
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise OrganisationError(
            f"{path}, line {line}: a rulebook must be UTF-8 text (save it as UTF-8 and try again)"
        ) from None
    constitution = load_text(text, str(path))
    return create_organisation(
        name=name or constitution.organisation.name,
        constitution_text=text,
        source_name=str(path),
        actor=actor,
        slug=slug,
    )


def adopt_constitution(
    organisation: Organisation, *, text: str, source_name: str, actor=None, reason: str
) -> ConstitutionVersion:
    """Adopt an amended rulebook as a new version, keeping every earlier one.

    The caller (e.g. the meetings app, after a special resolution passes) supplies the reason.
    A change that removes or weakens a statutory or non-removable asset lock is refused.
    """
    require(
        "register.adopt_constitution", actor, organisation,
        f"Only those who run {organisation.name}'s meetings can adopt its amended rules.",
    )  # fmt: skip
    amended = load_text(text, source_name)
    refusal = lock_change_refusal(organisation.constitution, amended)
    if refusal:
        raise OrganisationError(f"{source_name}: {refusal}")
    with transaction.atomic():
        Organisation.objects.select_for_update().get(pk=organisation.pk)
        version = _add_version(organisation, text, source_name, actor, reason)
        audit.record(
            organisation,
            "constitution.adopted",
            actor=actor,
            subject=version,
            data={"number": version.number, "sha256": version.sha256, "reason": reason},
        )
    organisation.__dict__.pop("current_version", None)
    return version


def _add_version(organisation, text, source_name, actor, reason) -> ConstitutionVersion:
    latest = organisation.constitution_versions.order_by("-number").first()
    return ConstitutionVersion.objects.create(
        organisation=organisation,
        number=(latest.number + 1) if latest else 1,
        source_name=Path(source_name).name,
        source_text=text,
        sha256=hashlib.sha256(text.encode()).hexdigest(),
        adopted_at=clock.now(),
        adopted_by=audit.actor_name(actor),
        reason=reason,
    )


def grant_role(
    organisation: Organisation, user, kind: str, *, actor=None, invited: bool = False
) -> Role:
    """Give `user` the role `kind`. `invited`: the user is accepting a role invitation, which
    its sender was allowed to send (accounts.services.roles.invite_to_role checks), so the
    invitee, not an administrator, is the actor."""
    if not invited:
        require(
            "register.grant_role", actor, organisation,
            f"Only an administrator of {organisation.name} can give someone a role.",
        )  # fmt: skip
    if kind not in Role.Kind.values:
        raise OrganisationError(f"unknown role '{kind}'; roles are {', '.join(Role.Kind.values)}")
    return _grant(organisation, user, kind, actor)


def _grant(organisation, user, kind, actor) -> Role:
    with transaction.atomic():
        role, created = Role.objects.get_or_create(organisation=organisation, user=user, kind=kind)
        if created:
            audit.record(
                organisation,
                "role.granted",
                actor=actor,
                subject=role,
                data={"user": user.get_username(), "role": kind},
            )
    return role


def set_mail_from(organisation: Organisation, address: str, *, actor=None) -> Organisation:
    """The address the organisation's mail comes from, e.g. 'Northshire FT
    <membership@northshire.example>' (one the install's mail server may send for); empty: the
    install's MUTUALISE_EMAIL_FROM."""
    require(
        "register.set_mail_from", actor, organisation,
        f"Only an administrator of {organisation.name} can change where its mail comes from.",
    )  # fmt: skip
    text = " ".join((address or "").split())
    if text:
        name, email = parseaddr(text)
        try:
            mail.check_address(email)
        except mail.MailError:
            raise OrganisationError(
                f"'{address}' is not an address mail can come from, e.g. "
                "'Northshire FT <membership@northshire.example>'"
            ) from None
        text = formataddr((name, email)) if name else email
    with transaction.atomic():
        locked = Organisation.objects.select_for_update().get(pk=organisation.pk)
        before, locked.mail_from = locked.mail_from, text
        locked.save(update_fields=["mail_from"])
        audit.record(
            locked,
            "organisation.mail_from_set",
            actor=actor,
            subject=locked,
            data={"from": text, "before": before},
        )
    organisation.mail_from = text
    return organisation
