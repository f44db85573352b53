"""Guideline text: its version (a content hash), its passages, and its Markdown as sanitised HTML.

Rendering happens in the kernel so the browser never interprets raw text from users or data:
raw HTML in the Markdown is escaped by the renderer, and the resulting HTML is cleaned again by
nh3 (an allow-list sanitiser) so only plain formatting tags and http(s)/mailto links survive.

A reviewer's decision may cite a passage of the guideline (:func:`cite`): the passage is the text
under one of its headings, and the decision stores a copy of it with the guideline's version
(:class:`Passage`), so feedback quotes what the reviewer cited even after the guideline changes.
"""

from __future__ import annotations

import hashlib
import pathlib
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, NamedTuple

import nh3
from markdown_it import MarkdownIt

_URL_SCHEMES = {"http", "https", "mailto"}


@dataclass(frozen=True)
class Guideline:
    """A guideline text with a name for people ("v2 — after the pilot"), besides its hash.

    Pass it as a task's ``guidelines=``. Every answer records the version (content hash) of
    the guideline shown; the name appears in :meth:`nblabel.Project.guideline_history`.

    Parameters
    ----------
    text : str or pathlib.Path
        Markdown text, or a Markdown file to read.
    name : str, optional
        A short human name for this version.

    Examples
    --------
    >>> import nblabel as nl
    >>> guide = nl.Guideline("**bug**: something that stopped working", name="v2")
    """

    text: str | pathlib.Path
    name: str | None = None

    def __post_init__(self) -> None:
        if isinstance(self.text, pathlib.Path):
            object.__setattr__(self, "text", self.text.read_text(encoding="utf-8"))
        if not isinstance(self.text, str):
            raise TypeError(f"text must be Markdown (str) or a pathlib.Path, got {self.text!r}.")
        if self.name is not None and (not isinstance(self.name, str) or not self.name.strip()):
            raise ValueError(f"name must be a non-empty string or None, got {self.name!r}.")


def guideline_version(text: str | None) -> str | None:
    """Return the 12-hex-digit content hash that versions a guideline text (None if no text)."""
    if not text:
        return None
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:12]


@lru_cache(maxsize=32)
def render_guideline(text: str | None) -> str:
    """Return the guideline Markdown as sanitised HTML ("" when there is no guideline)."""
    if not text:
        return ""
    renderer = MarkdownIt("commonmark", {"html": False, "linkify": False}).enable("table")
    html = renderer.render(text)
    return nh3.clean(
        html,
        url_schemes=_URL_SCHEMES,
        link_rel="noopener noreferrer nofollow",
        set_tag_attribute_values={"a": {"target": "_blank"}},
    )


class Passage(NamedTuple):
    """A guideline passage a reviewer's decision cites: a heading, its text and the version.

    Stored with the decision (``meta["passage"]``), so it stays what was cited when the
    guideline changes later; :meth:`nblabel.Project.feedback` shows it in its ``passage``
    column.
    """

    heading: str
    """The heading cited (a repeated heading gets " (2)", " (3)"… after its first use)."""
    text: str
    """The Markdown under the heading, down to the next heading of the same or a higher level."""
    guideline: str | None
    """The version (content hash) of the guideline the passage was cited from."""

    def as_meta(self) -> dict[str, Any]:
        """Return the passage as stored in a decision's details."""
        return {"heading": self.heading, "text": self.text, "guideline": self.guideline}

    @classmethod
    def from_meta(cls, meta: Any) -> Passage | None:
        """Return the passage stored in an event's details (``meta``), or None if it has none."""
        stored = meta.get("passage") if isinstance(meta, dict) else None
        if not isinstance(stored, dict):
            return None
        heading, text = stored.get("heading"), stored.get("text")
        if not isinstance(heading, str) or not isinstance(text, str):
            return None
        version = stored.get("guideline")
        return cls(heading, text, version if isinstance(version, str) else None)


@lru_cache(maxsize=32)
def guideline_passages(text: str | None) -> tuple[Passage, ...]:
    """Return the passages of a guideline, one per Markdown heading, in the order written.

    A passage runs from its heading down to the next heading of the same or a higher level
    (so a section holds its subsections). Headings without text are left out; a heading
    written again is named with " (2)", " (3)"… so every passage has its own name.
    """
    if not text:
        return ()
    tokens = MarkdownIt("commonmark").enable("table").parse(text)
    lines = text.splitlines()
    found: list[tuple[int, str, int, int]] = []  # level, heading, first body line, heading line
    for at, token in enumerate(tokens):
        if token.type != "heading_open" or token.map is None:
            continue
        inline = tokens[at + 1]
        words = "".join(
            child.content
            for child in inline.children or ()
            if child.type in ("text", "code_inline")
        )
        found.append((int(token.tag[1:]), " ".join(words.split()), token.map[1], token.map[0]))
    version = guideline_version(text)
    passages: list[Passage] = []
    seen: dict[str, int] = {}
    for index, (level, heading, body, _) in enumerate(found):
        end = next(
            (start for deeper, _, _, start in found[index + 1:] if deeper <= level), len(lines)
        )
        if not heading:
            continue
        seen[heading] = seen.get(heading, 0) + 1
        name = heading if seen[heading] == 1 else f"{heading} ({seen[heading]})"
        passages.append(Passage(name, "\n".join(lines[body:end]).strip(), version))
    return tuple(passages)


def cite(text: str | None, heading: str) -> Passage:
    """Return the passage under ``heading`` in the guideline ``text``, to store with a decision.

    Raises
    ------
    ValueError
        When there is no guideline, it has no headings, or none is named ``heading`` (the
        message lists the headings there are).
    """
    if not text:
        raise ValueError(
            f"passage={heading!r} cites the guideline, but the task has none: give the task "
            "guidelines= (Markdown with headings) to cite its passages."
        )
    passages = guideline_passages(text)
    if not passages:
        raise ValueError(
            f"passage={heading!r} cites a heading, but the guideline has no Markdown headings "
            "(## ...) to cite: add headings to it, or leave passage out."
        )
    for passage in passages:
        if passage.heading == heading:
            return passage
    known = ", ".join(repr(passage.heading) for passage in passages)
    raise ValueError(
        f"passage={heading!r} is not a heading of the guideline; its headings are {known}."
    )
