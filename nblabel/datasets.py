"""Small example datasets shipped with nblabel, for tutorials, demos and tests."""

from __future__ import annotations

from importlib.resources import files

import pandas as pd

from ._preference_data import load_answer_judgments, load_answer_pairs

__all__ = [
    "SUPPORT_TICKET_INTENTS",
    "load_answer_judgments",
    "load_answer_pairs",
    "load_support_tickets",
]

SUPPORT_TICKET_INTENTS: tuple[str, ...] = (
    "bug",
    "feature_request",
    "billing",
    "account",
    "praise",
    "other",
)
"""The intent labels of :func:`load_support_tickets`, in display order."""

_SUPPORT_TICKET_COLUMNS = ("ticket_id", "text", "channel", "intent", "urgent")
_URGENT_VALUES = {"yes": True, "no": False}


def load_support_tickets() -> pd.DataFrame:
    """Load 200 customer-support messages about a fictional note-taking and sync app.

    The messages were written by hand for nblabel: bug reports, feature requests, billing and
    account questions, praise and the odd off-topic message, as they might arrive by email,
    chat, app-store review or forum post. They are short (one to four sentences; a few longer
    ones contain line breaks) and include what real labeling data throws at a tool: messages in
    Spanish, German, French, Japanese, Chinese, Arabic, Hebrew and Hindi (Arabic and Hebrew are
    right-to-left), emoji including ZWJ sequences and flags, accents written as a base letter
    plus a combining mark (not normalized to NFC), text that looks like HTML (tags, a
    ``<script>`` element, ``&amp;`` entities) and messages where two intents are plausible.
    The text is returned exactly as stored: it is not normalized, stripped or unescaped.

    Returns
    -------
    pandas.DataFrame
        One row per ticket, indexed by ``ticket_id`` (strings ``"T0001"`` to ``"T0200"``),
        with the columns:

        ``text`` : str
            The message as the customer wrote it.
        ``channel`` : str
            Where it arrived: ``"email"``, ``"chat"``, ``"app-store-review"`` or ``"forum"``.
        ``intent`` : str
            The reference label, one of :data:`SUPPORT_TICKET_INTENTS`: ``"bug"``,
            ``"feature_request"``, ``"billing"``, ``"account"``, ``"praise"`` or ``"other"``.
            The classes are imbalanced (bugs are the most common, ``other`` the rarest) and
            every class has at least 15 rows.
        ``urgent`` : bool
            Whether the ticket needs a fast answer (data loss, lockouts, outages, security,
            failed payments); about one ticket in ten.

        The string columns use pandas' default string dtype for the installed version.

    Examples
    --------
    >>> from nblabel.datasets import SUPPORT_TICKET_INTENTS, load_support_tickets
    >>> tickets = load_support_tickets()
    >>> tickets.shape
    (200, 4)
    >>> tickets.loc["T0001", "channel"]
    'chat'
    >>> sorted(tickets["intent"].unique()) == sorted(SUPPORT_TICKET_INTENTS)
    True

    Label the messages with a classification widget, hiding the reference label:

    >>> import nblabel as nl
    >>> task = nl.Classify(list(SUPPORT_TICKET_INTENTS), text="text")
    >>> proj = nl.Project(tickets[["text", "channel"]], task, store="tickets.db")  # doctest: +SKIP
    """
    resource = files("nblabel") / "data" / "support_tickets.csv"
    with resource.open("rb") as handle:
        frame = pd.read_csv(
            handle,
            encoding="utf-8",
            dtype=str,
            keep_default_na=False,
            na_filter=False,
        )
    if tuple(frame.columns) != _SUPPORT_TICKET_COLUMNS:
        raise RuntimeError(f"support_tickets.csv has unexpected columns {list(frame.columns)}.")
    unknown = set(frame["urgent"]) - set(_URGENT_VALUES)
    if unknown:
        raise RuntimeError(f"support_tickets.csv has unexpected 'urgent' values {sorted(unknown)}.")
    frame["urgent"] = frame["urgent"].map(_URGENT_VALUES).astype(bool)
    return frame.set_index("ticket_id")
