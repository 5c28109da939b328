from django.conf import settings
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, render

from mutualise.accounts.services import may_found
from mutualise.register.models import Organisation
from mutualise.register.tabular import whole_number


def home(request):
    context = {"organisations": Organisation.objects.all(), "may_found": may_found(request.user)}
    # A demo install's whole outbox (web/outbox.py), for its superuser.
    context["demo_outbox"] = bool(settings.MUTUALISE_DEMO) and request.user.is_superuser
    return render(request, "web/home.html", context)


def constitution(request, slug):
    org = get_object_or_404(Organisation, slug=slug)
    versions = list(org.constitution_versions.order_by("number"))
    shown = versions[-1]
    requested = request.GET.get("version", "")
    number = whole_number(requested, max_digits=9)
    if number is not None:
        shown = next((v for v in versions if v.number == number), shown)
    return render(
        request,
        "web/constitution.html",
        {"versions": versions, "shown": shown, "page_title": "Constitution"},
    )


def healthz(request):
    return HttpResponse("ok", content_type="text/plain")
