"""Guideline text: its version (a content hash) and its Markdown rendered to sanitised HTML.

Rendering happens in the kernel so the browser never interprets raw text from users or data:
raw HTML in the Markdown is escaped by the renderer, and the resulting HTML is cleaned again by
nh3 (an allow-list sanitiser) so only plain formatting tags and http(s)/mailto links survive.
"""

from __future__ import annotations

import hashlib
from functools import lru_cache

import nh3
from markdown_it import MarkdownIt

_URL_SCHEMES = {"http", "https", "mailto"}


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
