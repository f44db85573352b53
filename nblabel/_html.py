"""HTML built from data: every text is escaped where the markup is written.

Reports, reprs and dashboard notes build their HTML here, so text from data (labels, option and
annotator names, item ids and text, guideline names, column names) is always shown as text and
never read as markup. The data itself is left as it is: only its HTML rendering is escaped.
"""

from __future__ import annotations

import html

import pandas as pd


def element(tag: str, text: str, **attributes: str) -> str:
    """Return one element holding ``text``, with the text and the attribute values escaped.

    Parameters
    ----------
    tag : str
        The element's tag name (a constant of the caller, never data).
    text : str
        Its text content.
    **attributes : str
        Attribute values by name; in the name a trailing ``_`` is dropped and ``_`` becomes
        ``-`` (``class_="note"`` is ``class="note"``, ``data_status`` is ``data-status``).

    Returns
    -------
    str

    Examples
    --------
    >>> element("div", "<b>5</b> items", class_="note")
    '<div class="note">&lt;b&gt;5&lt;/b&gt; items</div>'
    """
    written = "".join(
        f' {name.rstrip("_").replace("_", "-")}="{html.escape(value)}"'
        for name, value in attributes.items()
    )
    return f"<{tag}{written}>{html.escape(text)}</{tag}>"


def frame_html(
    frame: pd.DataFrame,
    *,
    caption: str | None = None,
    precision: int | None = None,
    index: bool = True,
) -> str:
    """Return ``frame`` as an HTML table whose headers, index, cells and caption are escaped.

    Parameters
    ----------
    frame : pandas.DataFrame
        The table to show (not modified).
    caption : str, optional
        Text shown above the table, in its ``<caption>``.
    precision : int, optional
        Decimals shown for floating-point columns (default: pandas' display format).
    index : bool, default True
        Whether to show the index (its values and names).

    Returns
    -------
    str
        One ``<table class="dataframe">`` element.

    Examples
    --------
    >>> table = pd.DataFrame({"score": [0.51234]}, index=pd.Index(["<i>a</i>"], name="option"))
    >>> "&lt;i&gt;a&lt;/i&gt;" in frame_html(table, caption="<b>", precision=2)
    True
    """
    float_format = None if precision is None else f"{{:.{precision}f}}".format
    table = frame.to_html(index=index, escape=True, float_format=float_format)
    if caption is None:
        return table
    opening, _, rest = table.partition(">")  # pandas' opening <table ...> tag, then the rows
    return f"{opening}><caption>{html.escape(caption)}</caption>{rest}"
