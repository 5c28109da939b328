"""Whatever a scalar in a rulebook is changed to, loading either succeeds or raises a
RulebookError whose every problem points at a real line: never a crash, never a guess."""

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mutualise.constitution import RulebookError, available_models, load_text

from .rulebook_text import BASE

# Each "key: value" line of the base rulebook whose value is a plain scalar.
SCALAR_LINES = [
    index
    for index, line in enumerate(BASE.splitlines())
    if re.fullmatch(r"\s*(- )?[a-z_]+: [^{\[].*", line)
]
JUNK = st.one_of(
    st.sampled_from(["", "~", "-1", "0", "1.5", "yes", "[]", "{}", "'x'", "17:00", "3/0", "200%"]),
    st.from_regex(r"[A-Za-z0-9 %/._-]{0,12}", fullmatch=True),
)


@settings(max_examples=200, deadline=None)
@given(st.sampled_from(SCALAR_LINES), JUNK)
def test_any_scalar_edit_loads_or_reports_lines(index, junk):
    lines = BASE.splitlines()
    key = lines[index].split(":", 1)[0]
    lines[index] = f"{key}: {junk}"
    text = "\n".join(lines) + "\n"
    try:
        load_text(text, "fuzz.yaml")
    except RulebookError as error:
        assert error.problems
        for problem in error.problems:
            assert problem.file == "fuzz.yaml"
            assert problem.line is not None and 1 <= problem.line <= len(lines)
            assert problem.message


MODEL_TEXTS = {slug: path.read_text(encoding="utf-8") for slug, path in available_models().items()}


@settings(max_examples=150, deadline=None)
@given(st.sampled_from(sorted(MODEL_TEXTS)), st.data())
def test_deleting_any_line_of_a_model_loads_or_reports_lines(slug, data):
    lines = MODEL_TEXTS[slug].splitlines()
    index = data.draw(st.integers(min_value=0, max_value=len(lines) - 1))
    del lines[index]
    text = "\n".join(lines) + "\n"
    try:
        load_text(text, f"{slug}.yaml")
    except RulebookError as error:
        assert error.problems
        for problem in error.problems:
            assert problem.line is None or 1 <= problem.line <= len(lines)
            assert problem.message


@pytest.mark.parametrize("control", ["\x0c", "\x1f", "\x00", "\x7f"])
def test_a_control_character_is_a_problem_at_its_line(control):
    """The pure-Python YAML reader refuses control characters before parsing (ReaderError, not
    a MarkedYAMLError): the rulebook editor showed a 500 for a form feed (issue 11.5)."""
    from mutualise.constitution import model_path

    text = model_path("co-operative-society").read_text(encoding="utf-8")
    damaged = text.replace("\n", "\n" + control, 3).replace("\n" + control, "\n", 2)
    with pytest.raises(RulebookError) as raised:
        load_text(damaged, "bad.yaml")
    assert raised.value.problems[0].line == 4
