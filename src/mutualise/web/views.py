from django.conf import settings
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, render

from mutualise.accounts.services import may_found
from mutualise.constitution import explain_sections
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
        {
            "versions": versions,
            "shown": shown,
            # A readable document first (the organisation's own name, under headings); the
            # rulebook file itself below it and as a download.
            "sections": explain_sections(shown.constitution, name=org.name),
            "page_title": "Constitution",
        },
    )


def rulebook_file(request, slug):
    """The adopted rulebook file of one version (the latest unless ?version=N), to download."""
    org = get_object_or_404(Organisation, slug=slug)
    versions = {v.number: v for v in org.constitution_versions.all()}
    number = whole_number(request.GET.get("version", ""), max_digits=9)
    shown = versions.get(number) or versions[max(versions)]
    response = HttpResponse(shown.source_text, content_type="application/yaml; charset=utf-8")
    name = f"{org.slug}-rulebook-version-{shown.number}.yaml"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


def healthz(request):
    return HttpResponse("ok", content_type="text/plain")
