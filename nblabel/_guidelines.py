"""Guideline text: its version (a content hash) and its Markdown rendered to sanitised HTML.

Rendering happens in the kernel so the browser never interprets raw text from users or data:
raw HTML in the Markdown is escaped by the renderer, and the resulting HTML is cleaned again by
nh3 (an allow-list sanitiser) so only plain formatting tags and http(s)/mailto links survive.
"""

from __future__ import annotations

import hashlib
import pathlib
from dataclasses import dataclass
from functools import lru_cache

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
