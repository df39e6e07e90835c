"""Numbered citations. Text anywhere in the analysis cites documents with markers such as
[@mofa-jp-20200910-acsa] or [@a; @b]; the report numbers every document of sources.csv in
one stable order (the bibliography's: publisher, date, title) and turns each marker into a
link to its entry. In JupyterLab the markers stay readable as they are.

Works on plain rows (dicts), so the renderer can number without pandas.
"""
from __future__ import annotations

import html
import re

MARKER = re.compile(r"\[@([a-z0-9][a-z0-9-]*(?:\s*;\s*@[a-z0-9][a-z0-9-]*)*)\]")


def marker(ids) -> str:
    """'[@a; @b]' for the ids given (a list, or a ';'-joined string), duplicates dropped, order kept."""
    if isinstance(ids, str):
        ids = [i.strip() for i in ids.split(";")]
    unique = list(dict.fromkeys(i for i in ids if i))
    return "[" + "; ".join(f"@{i}" for i in unique) + "]" if unique else ""


def marker_ids(text: str) -> list[str]:
    return [i.strip().lstrip("@") for m in MARKER.finditer(text) for i in m.group(1).split(";")]


def bibliography_order(sources: list[dict]) -> list[str]:
    """Source ids in the order of the bibliography: publisher, then date, then title."""
    return [s["source_id"] for s in sorted(sources, key=lambda s: (s["publisher"].casefold(), s.get("published_date") or "",
                                                                     s["title"].casefold(), s["source_id"]))]


def numbering(sources: list[dict]) -> dict[str, int]:
    return {source_id: n for n, source_id in enumerate(bibliography_order(sources), 1)}


def compress(numbers: list[int]) -> list[tuple[int, int]]:
    """[3, 4, 5, 9] -> [(3, 5), (9, 9)]: runs of consecutive numbers."""
    runs: list[tuple[int, int]] = []
    for n in sorted(set(numbers)):
        if runs and n == runs[-1][1] + 1:
            runs[-1] = (runs[-1][0], n)
        else:
            runs.append((n, n))
    return runs


def replace_markers(text: str, numbers: dict[str, int], target: str = "") -> str:
    """Turn every marker in HTML text into numbered links to '{target}#ref-N'. An id that is
    not a source is left as it is (the validator and the tests catch it)."""
    def link(n: int) -> str:
        return f'<a class="cite" href="{target}#ref-{n}">{n}</a>'

    def one(match: re.Match) -> str:
        ids = [i.strip().lstrip("@") for i in match.group(1).split(";")]
        if any(i not in numbers for i in ids):
            return match.group(0)
        parts = [link(a) if a == b else f"{link(a)}–{link(b)}" if b > a + 1 else f"{link(a)}, {link(b)}"
                 for a, b in compress([numbers[i] for i in ids])]
        return '<span class="citation">[' + ", ".join(parts) + "]</span>"
    return MARKER.sub(one, text)


ID_TOKEN = re.compile(r"[a-z0-9][a-z0-9-]*[a-z0-9]")
ID_GROUP = re.compile(r"\s?\(([a-z0-9][a-z0-9-]*(?:(?:[,;]\s*|\s+and\s+)[a-z0-9][a-z0-9-]*)*)\)")


def humanize(text: str, sources: set[str], labels: dict[str, str]) -> str:
    """Data text for readers: source ids become citation markers, other ids (agreements,
    events) their human labels. '(a, b)' and '(a; b)' groups of source ids become one marker."""
    if not text:
        return text

    def group(match: re.Match) -> str:
        ids = [t for t in re.split(r"[,;]\s*|\s+and\s+", match.group(1)) if t]
        if ids and all(t in sources for t in ids):
            return " " + marker(ids)
        return match.group(0)
    text = ID_GROUP.sub(group, text)

    def token(match: re.Match) -> str:
        word = match.group(0)
        start = match.start()
        if start >= 2 and text[start - 2: start] == "[@" or start >= 1 and text[start - 1] == "@":
            return word
        if word in sources and "-" in word:
            return marker([word])
        return labels.get(word, word) if "-" in word else word
    return ID_TOKEN.sub(token, text)
