"""Text answers: labels compared ignoring case, spacing and hyphens, with the course's synonyms."""

from __future__ import annotations

import re
from typing import Any

from helpers.exercises.messages import NONE_ANSWER, kind_of

# the kinds of critical points, in the order the course lists them
KINDS = ("local minimum", "local maximum", "saddle point", "degenerate")

SYNONYMS: dict[str, tuple[str, ...]] = {
    "local minimum": ("minimum", "min", "local min", "local minima", "minimum point",
                      "local minimum point", "局部极小值", "极小值", "局部最小值"),
    "local maximum": ("maximum", "max", "local max", "local maxima", "maximum point",
                      "local maximum point", "局部极大值", "极大值", "局部最大值"),
    "saddle point": ("saddle", "saddlepoint", "saddle points", "鞍点"),
    "degenerate": ("degenerate point", "degenerate critical point", "inconclusive", "退化"),
}
_CANONICAL = {alias: label for label, aliases in SYNONYMS.items() for alias in aliases}


def normalise_text(text: str) -> str:
    """Lower case, hyphens and underscores as spaces, single spaces, no final full stop."""
    words = re.sub(r"[\s_\-]+", " ", str(text).strip().lower())
    return words.rstrip(".!").strip()


def canonical_label(text: str) -> str:
    """The course's name for a label given in any accepted wording ("Saddle" → "saddle point")."""
    words = normalise_text(text)
    return _CANONICAL.get(words, words)


def label_set_text(labels: tuple[str, ...] = KINDS) -> str:
    """'local minimum', 'local maximum', 'saddle point' or 'degenerate'."""
    quoted = [f"'{label}'" for label in labels]
    return ", ".join(quoted[:-1]) + f" or {quoted[-1]}" if len(quoted) > 1 else quoted[0]


def compare_label(answer: Any, expected: str) -> str | None:
    """None when the label means the expected one; else a reason naming the accepted labels."""
    known = canonical_label(expected) in KINDS
    want = f"one of {label_set_text()}" if known else "a text answer in quotes"
    if answer is None:
        return NONE_ANSWER
    if not isinstance(answer, str):
        return f"expected a label (text in quotes), {want}; your answer is {kind_of(answer)}"
    if canonical_label(answer) == canonical_label(expected):
        return None
    if not known:
        return "that is not the right answer (text is compared ignoring case and spaces)"
    if canonical_label(answer) in KINDS:
        return f"that is not the right kind of point (the labels are {label_set_text()})"
    shown = answer.strip() if len(answer.strip()) <= 40 else answer.strip()[:37] + "..."
    return f"'{shown}' is not a label I know: answer with {want}"
