"""Issue 20, item 5: every field of the rulebook schema is honoured. The schema is walked from
`Constitution` to every leaf field (e.g. `participation.budgets.review_days`); each must be

(a) read by the apps: its attribute (`.review_days`) or its key (`"review_days"`) appears in
    `src/mutualise` outside the schema package, or a method of its own model that reads it
    (`Rotation.retiring` reads `self.rounding`) is called there, or it is in HONOURED_BY_SCHEMA,
    saying how the schema itself honours it; and
(b) tried by a test: a test outside the schema-parsing tests names it as an attribute, an
    override (`review_days: 3`, `review_days=3`) or a key.

That is enough for a field whose last name is its own. A field whose last name another shares
(68 of 195: `elections.ties`, `bodies.*.rotation.ties`) is judged on evidence about IT, not its
namesake (field_evidence.py says what counts): (a) a chain (`body.rotation.ties`), or one app
module naming the field and its parent, or a method of its own model, or an entry in READERS;
(b) the field nested under its parent in a test's rulebook (`rotation:` then `ties: lot`), a
path (`"bodies.0.rotation.ties"`), a keyword under the parent's (`rotation=Rotation(ties=...)`),
or an entry in TRIED_BY naming the test, which must exist.

A field with neither goes in UNTESTED with why; it may only shrink: an entry that has gained a
reader and a test fails here until it is removed. A field the apps stop reading, or a new field
nobody reads, fails (a); the fix is a reader, not an entry here. The measures (`Period`,
`Threshold`, `YearEnd`) are leaves: the apps read them whole, through their own methods.
Adopted rulebooks are immutable, so no field is removed."""

from __future__ import annotations

import inspect
import re
import typing
from functools import cache
from pathlib import Path

from pydantic import BaseModel

from mutualise.constitution.schema import Constitution, Period, Threshold, YearEnd

from . import field_evidence as evidence

ROOT = Path(__file__).resolve().parents[2]
SRC = ROOT / "src" / "mutualise"
SCHEMA = SRC / "constitution" / "schema"
TESTS = ROOT / "tests"
MEASURES = (Period, Threshold, YearEnd)
# Tests that only parse the schema (a field there shows it loads, not that anything obeys it).
PARSING_ONLY = {
    "tests/constitution/test_models.py",
    "tests/constitution/test_load_errors.py",
    "tests/constitution/test_load_fuzz.py",
    "tests/constitution/rulebook_text.py",
    "tests/constitution/test_every_field_is_honoured.py",
    "tests/constitution/field_evidence.py",
}

# Fields the schema honours itself, with no reader in the apps.
HONOURED_BY_SCHEMA = {
    "schema_version": "Literal[1]: a rulebook written for another version is refused at loading",
}

# Unread by the apps, or read but with no test that changes the field in a rulebook and shows the
# behaviour change ("path": "why"). It may only shrink: an entry that gains a reader and a test
# the walker sees fails here until it is removed.
UNTESTED: dict[str, str] = {}

# Fields sharing a last name, read where the walker cannot tell it is they ("path": "module: how").
READERS: dict[str, str] = {}

# Fields sharing a last name, changed by a test the walker cannot tell is about them (a rulebook
# edited by text replacement, a helper's keyword): "path": "tests/file.py::test_function"; the
# file and the function must exist.
TRIED_BY: dict[str, str] = {
    "constituencies.name": "tests/governance/test_representation.py::test_nhs10_from_the_register",
    "constituencies.kind": "tests/constitution/test_rulebook_fields_in_words.py::"
    "test_composition_constituency_kind_chooses_the_seats_counted",
    "constituencies.eligibility.attestations.id": "tests/constitution/test_eligibility.py::"
    "test_each_attestation_is_required",
    "constituencies.eligibility.attestations.text": "tests/constitution/test_eligibility.py::"
    "test_each_attestation_is_required",
    "constituencies.classes.id": "tests/constitution/test_eligibility.py::"
    "test_classes_for_lists_the_staff_classes_an_applicant_fits",
    "constituencies.classes.attestations.id": "tests/constitution/test_eligibility.py::"
    "test_staff_classes_add_their_own_attestations",
    "constituencies.classes.attestations.text": "tests/constitution/test_eligibility.py::"
    "test_staff_classes_add_their_own_attestations",
    "appointers.id": "tests/governance/test_chosen_by_in_words.py::"
    "test_who_chose_each_holder_is_in_words",
    "appointers.name": "tests/governance/test_chosen_by_in_words.py::"
    "test_who_chose_each_holder_is_in_words",
    "appointers.kind": "tests/constitution/test_rulebook_fields_in_words.py::"
    "test_composition_appointer_kind_chooses_the_seats_counted",
    "bodies.name": "tests/governance/test_chosen_by_in_words.py::"
    "test_a_name_an_officer_typed_is_shown_as_typed",
    "bodies.kind": "tests/governance/test_checks_thresholds.py::"
    "test_nhs1_public_governors_more_than_half",
    "bodies.seats.filled_by": "tests/elections/test_elections_nominations.py::"
    "test_vacancies_from_the_register_of_office_holders",
    "bodies.seats.electorate": "tests/elections/test_election_nomination_fields.py::"
    "test_candidate_from_electorate",
    "bodies.seats.appointer": "tests/constitution/test_models.py::"
    "test_explain_nhs_in_the_words_of_the_brief",
    "bodies.term.max_terms": "tests/elections/test_term_limits.py::test_at_most_two_terms",
    "bodies.term.max_years": "tests/elections/test_term_limits.py::"
    "test_nine_years_served_is_the_limit",
    "bodies.term.re_election_allowed": "tests/elections/test_term_limits.py::test_no_re_election",
    "bodies.composition.description": "tests/constitution/test_rulebook_fields_in_words.py::"
    "test_composition_constituency_kind_chooses_the_seats_counted",
    "bodies.composition.seats.filled_by": "tests/governance/test_checks_thresholds.py::"
    "test_brd2_at_most_two_coopted",
    "bodies.composition.at_most": "tests/governance/test_checks_thresholds.py::"
    "test_brd2_at_most_two_coopted",
    "elections.ties": "tests/elections/test_election_rulebook_fields.py::"
    "test_ties_by_the_chairs_casting_vote",
    "meetings.kinds.notice_clear_days": "tests/governance/test_checks_meeting_kinds.py::"
    "test_a_kinds_own_notice_clear_days_decide_mtg2",
    "meetings.requisition.combine": "tests/constitution/test_meetings_rules.py::"
    "test_every_rulebooks_requisition_is_the_fewest_signatures_that_satisfy_it",
    "meetings.quorum.fraction": "tests/meetings/test_meeting_rulebooks.py::"
    "test_quorum_blocks_a_binding_vote_until_reached",
    "meetings.quorum.combine": "tests/meetings/test_meeting_rulebooks.py::"
    "test_quorum_blocks_a_binding_vote_until_reached",
    "meetings.resolutions.confirmation.threshold": "tests/meetings/test_meeting_journeys.py::"
    "test_amalgamation_needs_a_confirming_meeting",
    "surplus.allocation.at_most": "tests/stake/test_surplus.py::"
    "test_a_co_operatives_patronage_dividend_follows_trade_in_the_rules_order",
}


def _models(annotation) -> list[type[BaseModel]]:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return [annotation]
    return [m for arg in typing.get_args(annotation) for m in _models(arg)]


def _walk(model: type[BaseModel], prefix: str = ""):
    for name, field in model.model_fields.items():
        path = prefix + name
        inner = [m for m in _models(field.annotation) if not issubclass(m, MEASURES)]
        if not inner:
            yield path, model, name
        for sub in inner:
            yield from _walk(sub, path + ".")


@cache
def leaves() -> tuple[tuple[str, type[BaseModel], str], ...]:
    return tuple(_walk(Constitution))


@cache
def _texts(root: Path, suffixes: tuple[str, ...]) -> dict[str, str]:
    return {
        str(path.relative_to(ROOT)): path.read_text(encoding="utf-8")
        for path in sorted(root.rglob("*"))
        if path.suffix in suffixes and SCHEMA not in path.parents
    }


WORD = r"([a-z_][a-z0-9_]*)"
ATTRIBUTES_AND_KEYS = (rf"\.{WORD}\b", rf"[\"']{WORD}[\"']")
OVERRIDES = (rf"\b{WORD}\s*[:=]",)


def _names(text: str, patterns: tuple[str, ...]) -> frozenset[str]:
    return frozenset(name for pattern in patterns for name in re.findall(pattern, text))


@cache
def _app_names() -> frozenset[str]:
    """Attributes read (`.review_days`) and keys named (`"review_days"`) by the apps."""
    return _names("\n".join(_texts(SRC, (".py", ".html", ".txt")).values()), ATTRIBUTES_AND_KEYS)


@cache
def _tested_names() -> frozenset[str]:
    """Attributes, keys and overrides (`review_days: 3`, `review_days=3`) the tests name."""
    texts = _texts(TESTS, (".py",))
    text = "\n".join(v for k, v in texts.items() if k not in PARSING_ONLY)
    return _names(text, ATTRIBUTES_AND_KEYS + OVERRIDES)


def _read_through_method(model: type[BaseModel], name: str) -> bool:
    """A public method of the field's own model reads `self.<name>`, and the apps call it."""
    for method, value in vars(model).items():
        function = getattr(value, "fget", value)
        if method.startswith("_") or not inspect.isfunction(function):
            continue
        if method in _app_names() and re.search(rf"\bself\.{name}\b", inspect.getsource(function)):
            return True
    return False


def _inner(model: type[BaseModel], prefix: str = ""):
    for name, field in model.model_fields.items():
        for sub in [m for m in _models(field.annotation) if not issubclass(m, MEASURES)]:
            yield prefix + name, sub.__name__
            yield from _inner(sub, prefix + name + ".")


@cache
def _models_by_prefix() -> dict[str, str]:
    """The model's name at each inner segment of the walk (`bodies.rotation`: `Rotation`)."""
    return dict(_inner(Constitution))


def _spelt(path: str, paths: tuple[str, ...]) -> tuple[frozenset[str], ...]:
    """The field's distinguishing suffix, each segment with the ways code may spell it."""
    tail = evidence.suffix(path, paths)
    segments = path.split(".")
    ways = []
    for offset, segment in enumerate(tail[:-1]):
        prefix = ".".join(segments[: len(segments) - len(tail) + offset + 1])
        ways.append(evidence.spellings(segment, _models_by_prefix().get(prefix)))
    return (*ways, frozenset({tail[-1]}))


@cache
def _app_modules() -> tuple[frozenset[str], ...]:
    """Each app module's attribute and key names, its docstrings and comments aside."""
    return tuple(evidence.names(code) for code in _app_code())


@cache
def _app_code() -> tuple[str, ...]:
    return tuple(map(evidence.code_only, _texts(SRC, (".py", ".html", ".txt")).values()))


@cache
def _app_runs() -> dict[str, frozenset[tuple[str, ...]]]:
    """The apps' chains (`body.rotation.ties`), by their last name."""
    return evidence.run_index(frozenset().union(*map(evidence.chains, _app_code())))


@cache
def _test_texts() -> tuple[str, ...]:
    texts = _texts(TESTS, (".py",))
    return tuple(evidence.code_only(v) for k, v in texts.items() if k not in PARSING_ONLY)


@cache
def _tested_runs() -> frozenset[tuple[str, ...]]:
    """The chains and the nested keys of the tests."""
    runs = set()
    for text in _test_texts():
        # A rulebook in a one-line string ("\nelections:\n  receipts: contents\n") nests too.
        nested = evidence.nested_keys(text.replace("\\n", "\n"))
        runs |= evidence.chains(text) | nested | evidence.keywords_under(text)
    return frozenset(runs)


def _all_paths() -> tuple[str, ...]:
    return tuple(path for path, _, _ in leaves())


def is_read(path: str, model: type[BaseModel], name: str, paths: tuple[str, ...] = ()) -> bool:
    paths = paths or _all_paths()
    if path not in evidence.last_name_shared(paths):
        return name in _app_names() or _read_through_method(model, name)
    if path in READERS or _read_through_method(model, name):
        return True
    spelt = _spelt(path, paths)
    if evidence.spelt_in(_app_runs().get(name, frozenset()), spelt):
        return True
    return any(
        name in module and all(ways & module for ways in spelt[:-1]) for module in _app_modules()
    )


def is_tried(path: str, name: str, paths: tuple[str, ...] = ()) -> bool:
    paths = paths or _all_paths()
    if path not in evidence.last_name_shared(paths):
        return name in _tested_names()
    if path in TRIED_BY:
        return True
    spelt = _spelt(path, paths)
    return evidence.spelt_in(evidence.run_index(_tested_runs()).get(name, frozenset()), spelt)


def _test_node_exists(node: str) -> bool:
    file, _, function = node.partition("::")
    path = ROOT / file
    return path.is_file() and re.search(rf"^def {function}\(", path.read_text(), re.M) is not None


def test_the_walk_reaches_the_fields_we_know():
    paths = {path for path, _, _ in leaves()}
    assert {
        "participation.budgets.review_days",
        "membership.one_constituency_only",
        "bodies.seats.term.max_terms",
        "shares.interest_choice.default",
    } <= paths
    assert len(paths) > 150


def test_every_field_is_read_by_the_apps():
    unread = [
        path
        for path, model, name in leaves()
        if path not in HONOURED_BY_SCHEMA
        and path not in UNTESTED
        and not is_read(path, model, name)
    ]
    assert unread == [], f"rulebook fields nothing reads (honour them): {unread}"


def test_every_field_is_tried_by_a_test():
    untried = [
        path
        for path, _, name in leaves()
        if path not in UNTESTED and path not in HONOURED_BY_SCHEMA and not is_tried(path, name)
    ]
    assert untried == [], f"rulebook fields no test changes: {untried}"


def test_the_walker_tells_a_field_from_its_namesakes():
    """The last name alone passed `bodies.*.rotation.ties` on `elections.ties`'s evidence. A
    made-up `lottery.ties` has that evidence too, and now fails (a) and (b); fields with
    evidence of their own still pass."""

    class Lottery(BaseModel):
        ties: str = "lot"

    paths = (*_all_paths(), "lottery.ties")
    assert "ties" in _app_names() and "ties" in _tested_names(), "what the last name passed on"
    assert not is_read("lottery.ties", Lottery, "ties", paths)
    assert not is_tried("lottery.ties", "ties", paths)
    own = "meetings.secrecy_batch"  # a namesake of elections.secrecy_batch, with no entries
    assert own not in TRIED_BY and own not in READERS
    model = next(model for path, model, _ in leaves() if path == own)
    assert is_read(own, model, "secrecy_batch", paths) and is_tried(own, "secrecy_batch", paths)


def test_the_evidence_is_about_the_field():
    rulebook = (
        "bodies:\n  - id: board\n    rotation:\n      ties: lot\nelections:\n  channels: []\n"
    )
    nested = evidence.nested_keys(rulebook)
    assert ("rotation", "ties") in nested and ("elections", "ties") not in nested
    assert ("bodies", "rotation", "ties") in nested
    assert ("elections", "ties") in evidence.nested_keys("elections: {ties: lot, receipts: x}")
    assert ("rotation", "ties") in evidence.keywords_under('Body(rotation=Rotation(ties="lot"))')
    assert ("bodies", "rotation", "ties") in evidence.chains('"bodies.0.rotation.ties"')
    assert ("seats", "term", "years") in evidence.chains('body["seats"][1].term.years')
    assert not evidence.chains(evidence.code_only('def f():\n    """See `rotation.ties`."""\n'))
    assert evidence.suffix("bodies.term.years", _all_paths()) == ("bodies", "term", "years")


def test_the_explicit_readers_and_tests_exist():
    paths = set(_all_paths())
    shared = evidence.last_name_shared(paths)
    assert set(READERS) | set(TRIED_BY) <= shared, "entries only for fields sharing a last name"
    missing = [
        f"{path}: {module}"
        for path, module in READERS.items()
        if not (ROOT / module.partition(":")[0]).is_file()
        or path.rsplit(".", 1)[-1] not in (ROOT / module.partition(":")[0]).read_text()
    ]
    missing += [f"{path}: {node}" for path, node in TRIED_BY.items() if not _test_node_exists(node)]
    assert missing == [], f"no such module naming the field, or no such test: {missing}"


def test_the_allowlists_only_shrink():
    by_path = {path: (model, name) for path, model, name in leaves()}
    assert set(HONOURED_BY_SCHEMA) | set(UNTESTED) <= set(by_path), "entries for no field"
    stale = [path for path in HONOURED_BY_SCHEMA if is_read(path, *by_path[path])]
    stale += [
        path
        for path in UNTESTED
        if path not in READERS
        and path not in TRIED_BY
        and is_read(path, *by_path[path])
        and is_tried(path, by_path[path][1])
    ]
    assert stale == [], f"these now have a reader and a test: remove their entries: {stale}"
