"""What every page needs: the site's name (the organisation's own, when on its pages) and menu."""

from django.urls import reverse


def site(request):
    match = getattr(request, "resolver_match", None)
    organisation = None
    if match and "slug" in match.kwargs:
        from mutualise.register.models import Organisation

        organisation = Organisation.objects.filter(slug=match.kwargs["slug"]).first()
    navigation = []
    if organisation is not None:
        for name, text in [("organisation", "About"), ("constitution", "Constitution")]:
            href = reverse(name, args=[organisation.slug])
            navigation.append({"href": href, "text": text, "current": request.path == href})
    return {
        "organisation": organisation,
        "site_name": organisation.name if organisation else "mutualise",
        "navigation": navigation,
    }
