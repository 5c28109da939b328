"""The 403 page: what happened (this page needs a role the sign-in does not hold here), who is
signed in and what they are in this organisation, and where they can go instead: their own
pages here, the organisation's home page, or signing in as someone else."""

from __future__ import annotations

from django.shortcuts import render
from django.urls import reverse

from mutualise.accounts.labels import role_name
from mutualise.register.models import Member, Role

from .context import site

# Where each role's own work starts, and what that page is called.
ROLE_PAGES = {
    Role.Kind.OFFICER: ("register:members", "the register"),
    Role.Kind.RETURNING_OFFICER: ("elections:list", "the elections"),
    Role.Kind.CHAIR: ("meetings:list", "the meetings"),
    Role.Kind.BOARD: ("meetings:list", "the meetings"),
    Role.Kind.ADMINISTRATOR: ("accounts:roles", "the roles page"),
}
ROLE_ORDER = list(ROLE_PAGES)


def _reason(exception) -> str:
    text = str(exception or "").strip()
    if not text:
        return "This page is for people who hold a role it needs."
    return text[0].upper() + text[1:] + ("" if text.endswith((".", "!", "?")) else ".")


def _listed(names: list[str]) -> str:
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def _standing(user, organisation) -> tuple[str, list[dict]]:
    """What the signed-in person is in this organisation, in words, and the pages that are
    theirs here (their membership, each role's own page, once each)."""
    member = (
        Member.objects.filter(organisation=organisation, user=user, erased_at__isnull=True)
        .only("number")
        .first()
    )
    kinds = set(
        Role.objects.filter(organisation=organisation, user=user).values_list("kind", flat=True)
    )
    held = [kind for kind in ROLE_ORDER if kind in kinds]
    roles = [role_name(kind).lower() for kind in held]
    if member and roles:
        standing = f"a member (membership number {member.number}) and its {_listed(roles)}"
    elif member:
        standing = f"a member (membership number {member.number}) and hold no officer role"
    elif roles:
        standing = f"its {_listed(roles)}"
    else:
        standing = "not a member and hold no role"
    pages, seen = [], set()
    if member:
        pages.append({"href": reverse("membership", args=[organisation.slug]),
                      "text": "See your membership"})  # fmt: skip
    for kind in held:
        name, what = ROLE_PAGES[kind]
        href = reverse(name, args=[organisation.slug])
        if href not in seen:
            seen.add(href)
            pages.append(
                {"href": href, "text": f"Go to {what} (you are {role_name(kind).lower()})"}
            )
    return standing, pages


def permission_denied(request, exception=None):
    context = {"reason": _reason(exception), "page_title": "You cannot see this page"}
    organisation = site(request)["organisation"]
    if request.user.is_authenticated and organisation is not None:
        context["standing"], context["own_pages"] = _standing(request.user, organisation)
    return render(request, "403.html", context, status=403)
