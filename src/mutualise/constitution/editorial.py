"""The model rulebooks' editorial notes, taken out of a rulebook an organisation adopts.

The models carry notes for whoever maintains them: a header naming the sources they were checked
against (DOMAIN.md, an internal document) and marks on values, `[S]` (confirmed there) and `[R]`
(recalled, to check). An organisation's own rulebook should not: its members read it. Only what
is still exactly as the model wrote it is touched, so a comment the organisation wrote or edited
stays as they wrote it.
"""

from __future__ import annotations

import re

# `[S]`, `[R]`, `[S, model rules]`, `[S 6.3]`, `[R Cornwall rules]`: a source mark.
SOURCE_MARK = re.compile(r"\s*\[[SR](?:[ ,][^\]]*)?\]")
# A YAML comment starts at a `#` at the start of the line or after a space.
COMMENT_START = re.compile(r"(?:^|(?<=\s))#")


def _comments(line: str) -> list[int]:
    return [match.start() for match in COMMENT_START.finditer(line)]


def _header(lines: list[str]) -> list[str]:
    """The comment lines the file opens with, before its first setting."""
    header = []
    for line in lines:
        if line.strip() and not line.lstrip().startswith("#"):
            break
        header.append(line)
    return header


def _unmarked(comment: str) -> str:
    text = SOURCE_MARK.sub("", comment)
    return re.sub(r"\s+([;:,.)])", r"\1", text).rstrip()


def strip_model_notes(text: str, model_text: str) -> str:
    """`text` (a rulebook made from `model_text`) without the model's header and source marks,
    wherever they are still as the model wrote them."""
    model_lines = model_text.splitlines()
    model_comments = {line[at:] for line in model_lines for at in _comments(line)}
    lines = text.splitlines()
    header = _header(lines)
    if header and header == _header(model_lines):
        lines = lines[len(header) :]
    kept = []
    for line in lines:
        for at in _comments(line):
            if line[at:] in model_comments:
                comment = _unmarked(line[at:])
                code = line[:at].rstrip() if comment.strip() == "#" else line[:at]
                line = code + ("" if comment.strip() == "#" else comment)
                if not line.strip() and line != "":
                    line = ""
                break
        kept.append(line.rstrip() if line.strip() else line)
    return "\n".join(kept) + ("\n" if text.endswith("\n") else "")
