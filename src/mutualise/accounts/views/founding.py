"""Setting up an organisation in the browser (no JavaScript needed):

1. /organisations/new/: choose one of the model rulebooks;
2. /organisations/new/<model>/: read what it says in plain English, change its common settings
   in a form (written into the rulebook text in place, constitution/settings.py), check, adopt;
3. /organisations/new/<model>/rulebook/: or edit the rulebook's text, every problem shown at its
   line before anything is saved, and adopt it.

Adopting calls accounts.services.found_organisation: one transaction, the founder becomes the
first administrator, and lands on the roles page to invite the first officers.
"""

from __future__ import annotations

import functools

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse

from mutualise.constitution import (
    NotFound,
    Problem,
    RulebookError,
    available_models,
    explain_sections,
    legal_form_label,
    load_text,
)
from mutualise.constitution import settings as rulebook_settings

from .. import services

MAX_TEXT = 200_000  # characters: the largest model is under 12,000
MAX_VALUE = {"paragraph": rulebook_settings.MAX_PARAGRAPH + 200}  # else one line's 500


def _founder(view):
    def wrapped(request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not services.may_found(request.user):
            raise PermissionDenied(
                "Only a system administrator can set up a new organisation on this install."
            )
        return view(request, *args, **kwargs)

    return functools.wraps(view)(wrapped)  # __wrapped__: the POST-fuzz walker reads the view


def _model(slug: str):
    try:
        path = available_models()[slug]
    except KeyError:
        raise Http404(f"There is no model rulebook called {slug}") from None
    return path, path.read_text(encoding="utf-8")


@_founder
def choose(request):
    chosen = request.GET.get("model", "")
    error = ""
    if chosen:
        if chosen in available_models():
            return redirect("accounts:found_settings", model=chosen)
        error = "Choose one of the models"
    models = []
    for slug, path in available_models().items():
        text = path.read_text(encoding="utf-8")
        constitution = load_text(text, path.name)
        models.append(
            {
                "slug": slug,
                "label": _title(text) or legal_form_label(constitution.organisation.legal_form),
                "legal_form": legal_form_label(constitution.organisation.legal_form),
                "purpose": constitution.organisation.purpose,
                "example": constitution.organisation.name,
            }
        )
    context = {
        "models": models,
        "error": error,
        "errors": [(f"model-{models[0]['slug']}", error)] if error else [],
        "page_title": ("Error: " if error else "") + "Set up an organisation",
    }
    return render(request, "accounts/found_choose.html", context, status=400 if error else 200)


def _title(text: str) -> str:
    """A model's title: its first comment line up to the colon ("# Credit union: a worked...")."""
    first = text.lstrip().split("\n", 1)[0]
    return first.removeprefix("#").split(":", 1)[0].strip() if first.startswith("#") else ""


def _problems_by_field(problems, keys):
    """Split rulebook problems into those a form field shows and the rest (shown at lines)."""
    by_field, other = {}, []
    for problem in problems:
        key = next((k for k in keys if problem.field == k or problem.field.startswith(k + ".")), "")
        if key and key not in by_field:
            by_field[key] = problem.message
        else:
            other.append(problem)
    return by_field, other


def _slug_field(request, name: str, error: str = "") -> dict:
    """The web address field: what was typed (blank: made from the name, shown in the hint),
    and what is wrong with it, checked on every check as well as on adopting."""
    typed = request.POST.get("slug", "")[:100].strip().lower() if request.method == "POST" else ""
    if typed and not error:
        error = services.slug_problem(typed)
    return {"value": typed, "error": error, "suggestion": services.suggest_slug(name)}


def _adopt(request, *, text, source_name, model):
    constitution = load_text(text, source_name)  # raises RulebookError
    organisation = services.found_organisation(
        actor=request.user,
        name=constitution.organisation.name,
        text=text,
        source_name=source_name,
        model_slug=model,
        slug=request.POST.get("slug", "")[:100],
    )
    messages.success(
        request,
        f"{organisation.name} is set up and you are its administrator. Invite its first officers.",
    )
    return redirect("accounts:roles", slug=organisation.slug)


@_founder
def settings_form(request, model):
    path, base = _model(model)
    fields = rulebook_settings.settings_for(base)
    keys = [f.key for f in fields]
    text, field_errors, other_problems = base, {}, []
    values = {f.key: f.value for f in fields}
    action = request.POST.get("action", "") if request.method == "POST" else ""
    if request.method == "POST":
        values = {
            f.key: request.POST.get(f.key, values[f.key])[: MAX_VALUE.get(f.kind, 500)]
            for f in fields
        }
        try:
            text = rulebook_settings.apply(base, values)
            constitution = load_text(text, path.name)
            if action == "adopt":
                return _adopt(request, text=text, source_name=path.name, model=model)
        except rulebook_settings.SettingError as exc:
            field_errors = exc.problems
        except services.AccountsError as exc:
            field_errors = {"slug" if exc.field == "slug" else "organisation.name": str(exc)}
        except RulebookError as exc:
            field_errors, other_problems = _problems_by_field(exc.problems, keys)
        if action == "edit" and not field_errors:
            return _editor(request, model, path.name, text, [])
    name = values.get("organisation.name", "")
    slug = _slug_field(request, name, field_errors.pop("slug", ""))
    try:
        constitution = load_text(text, path.name)
    except RulebookError:
        constitution = load_text(base, path.name)
    groups: list[tuple[str, list]] = []
    for f in fields:
        row = {
            "setting": f,
            "value": values[f.key],
            "error": field_errors.get(f.key, ""),
            "id": "s-" + f.key.replace(".", "-").replace("[", "-").replace("]", ""),
        }
        if groups and groups[-1][0] == f.group:
            groups[-1][1].append(row)
        else:
            groups.append((f.group, [row]))
    errors = [
        (row["id"], f"{row['setting'].label} ({group}): {row['error']}")
        for group, rows in groups
        for row in rows
        if row["error"]
    ]
    if slug["error"]:
        errors.insert(1, ("s-slug", f"Web address: {slug['error']}"))
    errors += [("rulebook-problems", str(p)) for p in other_problems]
    context = {
        "model": model,
        "slug": slug,
        "title": _title(base),
        "legal_form": legal_form_label(constitution.organisation.legal_form),
        "sections": explain_sections(constitution),
        "groups": groups,
        "errors": errors,
        "other_problems": other_problems,
        "checked": request.method == "POST" and not errors,
        "page_title": ("Error: " if errors else "") + "Set up an organisation",
    }
    return render(request, "accounts/found_settings.html", context, status=400 if errors else 200)


def _excerpt(lines: list[str], line: int | None, around: int = 2) -> list[dict]:
    if not line:
        return []
    start, end = max(1, line - around), min(len(lines), line + around)
    return [{"number": n, "text": lines[n - 1], "here": n == line} for n in range(start, end + 1)]


def _editor(request, model, source_name, text, problems, status=200, slug_error=""):
    lines = text.splitlines()
    shown = [
        {"problem": p, "excerpt": _excerpt(lines, p.line), "anchor": f"problem-{i}"}
        for i, p in enumerate(problems, 1)
    ]
    try:
        name = load_text(text, source_name).organisation.name
    except RulebookError:
        name = ""
    slug = _slug_field(request, name, slug_error)
    errors = [("s-slug", f"Web address: {slug['error']}")] if slug["error"] else []
    if slug["error"]:
        status = 400
    context = {
        "model": model,
        "text": text,
        "slug": slug,
        "problems": shown,
        "errors": errors + [(s["anchor"], str(s["problem"])) for s in shown],
        "line_count": len(lines),
        "page_title": ("Error: " if status == 400 else "") + "Edit the rulebook",
        "action_url": reverse("accounts:found_rulebook", args=[model]),
    }
    return render(request, "accounts/found_rulebook.html", context, status=status)


@_founder
def rulebook(request, model):
    path, text = _model(model)
    if request.method == "POST" and "text" in request.POST:
        text = request.POST["text"].replace("\r\n", "\n")
        if len(text) > MAX_TEXT:
            too_long = Problem(path.name, None, "", f"the rulebook is over {MAX_TEXT} characters")
            return _editor(request, model, path.name, text[:MAX_TEXT], [too_long], status=400)
        try:
            load_text(text, path.name)
            if request.POST.get("action") == "adopt":
                return _adopt(request, text=text, source_name=path.name, model=model)
        except RulebookError as exc:
            return _editor(request, model, path.name, text, exc.problems, status=400)
        except services.AccountsError as exc:
            if exc.field == "slug":
                return _editor(request, model, path.name, text, [], status=400, slug_error=str(exc))
            problem = Problem(path.name, None, "", str(exc))
            return _editor(request, model, path.name, text, [problem], status=400)
        except NotFound as exc:
            problem = Problem(path.name, None, "", str(exc))
            return _editor(request, model, path.name, text, [problem], status=400)
        if not _slug_field(request, "")["error"]:
            messages.success(request, "The rulebook has no problems: you can adopt it.")
    return _editor(request, model, path.name, text, [])
