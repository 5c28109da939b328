"""What every page needs: the site's name (the organisation's own, when on its pages) and menu."""

from django.urls import reverse


def _navigation(request, organisation) -> list[dict]:
    slug = organisation.slug
    items = [
        ("About", reverse("organisation", args=[slug]), True),
        ("Constitution", reverse("constitution", args=[slug]), False),
        ("Elections", reverse("elections:list", args=[slug]), False),
        ("Meetings", reverse("meetings:list", args=[slug]), False),
    ]
    user = request.user
    if user.has_perm("register.view_register", organisation):
        items.append(("Register", reverse("register:members", args=[slug]), False))
    if user.is_authenticated:
        items.append(("My membership", reverse("register:my_membership", args=[slug]), False))
    else:
        items.append(("Join", reverse("register:join", args=[slug]), False))
    navigation = []
    for text, href, exact in items:
        current = request.path == href if exact else request.path.startswith(href)
        navigation.append({"href": href, "text": text, "current": current})
    return navigation


def site(request):
    match = getattr(request, "resolver_match", None)
    organisation = None
    if match and "slug" in match.kwargs:
        from mutualise.register.models import Organisation

        organisation = Organisation.objects.filter(slug=match.kwargs["slug"]).first()
    return {
        "organisation": organisation,
        "site_name": organisation.name if organisation else "mutualise",
        "navigation": _navigation(request, organisation) if organisation else [],
    }
