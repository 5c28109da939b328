"""The rulebook library: an organisation's constitution as validated data.

Pure: imports no Django and no app. Apps store a rulebook's YAML text and load it with
`load_text`; ids of constituencies, classes and bodies are stable slugs they may keep as text.
"""

from __future__ import annotations

from pathlib import Path

from .explain import explain, explain_sections, legal_form_label, listing
from .load import Problem, RulebookError, load_file, load_text
from .schema import SCHEMA_VERSION, Constitution, NotFound

MODELS_DIR = Path(__file__).resolve().parent / "models"

__all__ = [
    "SCHEMA_VERSION",
    "Constitution",
    "NotFound",
    "Problem",
    "RulebookError",
    "available_models",
    "explain",
    "explain_sections",
    "legal_form_label",
    "listing",
    "load_file",
    "load_text",
    "model_path",
]


def available_models() -> dict[str, Path]:
    """The shipped model rulebooks, keyed by slug (file name with hyphens)."""
    return {path.stem.replace("_", "-"): path for path in sorted(MODELS_DIR.glob("*.yaml"))}


def model_path(slug: str) -> Path:
    models = available_models()
    if slug not in models:
        raise NotFound(f"no model rulebook {slug!r}; known models: {', '.join(sorted(models))}")
    return models[slug]
