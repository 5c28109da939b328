from django.http import HttpResponse
from django.shortcuts import get_object_or_404, render

from mutualise.constitution import explain_sections, legal_form_label
from mutualise.register.models import Organisation
from mutualise.register.tabular import whole_number


def home(request):
    return render(request, "web/home.html", {"organisations": Organisation.objects.all()})


def organisation(request, slug):
    org = get_object_or_404(Organisation, slug=slug)
    version = org.current_version
    return render(
        request,
        "web/organisation.html",
        {
            "version": version,
            "constitution": version.constitution,
            "legal_form": legal_form_label(version.constitution.organisation.legal_form),
            "sections": explain_sections(version.constitution, name=org.name),
            "page_title": "How it is run",
            "sees_reminders": request.user.has_perm("governance.handle_reminders", org),
        },
    )


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
