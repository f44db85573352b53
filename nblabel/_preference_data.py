"""Example preference data: 40 questions, two assistants' answers and three annotators' verdicts."""

from __future__ import annotations

from importlib.resources import files

import pandas as pd

__all__ = ["load_answer_judgments", "load_answer_pairs"]

_PAIR_COLUMNS = ("prompt_id", "prompt", "brief", "thorough")
_JUDGMENT_COLUMNS = ("prompt_id", "annotator", "left", "verdict", "comment")
_OPTIONS = ("brief", "thorough")
_VERDICTS = (*_OPTIONS, "tie", "both_bad")


def _read(name: str, columns: tuple[str, ...]) -> pd.DataFrame:
    with (files("nblabel") / "data" / name).open("rb") as handle:
        frame = pd.read_csv(handle, encoding="utf-8", dtype=str, keep_default_na=False)
    if tuple(frame.columns) != columns:
        raise RuntimeError(f"{name} has unexpected columns {list(frame.columns)}.")
    return frame


def load_answer_pairs() -> pd.DataFrame:
    """Load 40 questions with two answers each: a brief one and a thorough one.

    The questions and answers were written by hand for nblabel, to try the ranking widget and
    preference analysis on: everyday questions (facts, cooking, programming, language), a few
    in Spanish, Japanese and Arabic (right to left) and one with an emoji. The two "assistants"
    differ in style — ``brief`` answers in a line, ``thorough`` explains — and each is
    sometimes wrong, so neither always wins; in two questions both answers are wrong.

    Returns
    -------
    pandas.DataFrame
        One row per question, indexed by ``prompt_id`` (``"P01"`` to ``"P40"``), with the
        text columns ``prompt``, ``brief`` and ``thorough``.

    Examples
    --------
    >>> from nblabel._preference_data import load_answer_pairs
    >>> pairs = load_answer_pairs()
    >>> pairs.shape
    (40, 3)
    >>> pairs.loc["P01", "brief"]
    'Canberra.'

    Compare the answers in the ranking widget:

    >>> from nblabel.tasks import Rank
    >>> task = Rank(["brief", "thorough"], prompt="prompt")
    """
    return _read("answer_pairs.csv", _PAIR_COLUMNS).set_index("prompt_id")


def load_answer_judgments() -> pd.DataFrame:
    """Load three annotators' verdicts on :func:`load_answer_pairs`, as a table of answers.

    The verdicts were made up for nblabel's examples: ``ana`` and ``chloe`` judge on content
    (``chloe`` leans to the brief answer when both are fine), while ``ben``, in close calls,
    tends to pick whichever answer was on the left — a position bias for
    :func:`nblabel.rank.position_bias` to find. The answer on the left is the one the ranking
    widget shows first to that annotator, ``Rank(["brief", "thorough"]).order_for(prompt_id,
    annotator)[0]``.

    Returns
    -------
    pandas.DataFrame
        120 rows (40 questions × 3 annotators) in the shape of ``Project.annotations``:
        ``item`` (the prompt id), ``annotator``, ``value`` (a ranking: ``[["brief"],
        ["thorough"]]``, the reverse, or ``[["brief", "thorough"]]`` for a tie or "both bad"),
        ``meta`` (``{"shown": [left, right]}``, plus ``"all_bad": True`` for "both bad") and
        ``comment`` (the annotator's rationale, or None).

    Examples
    --------
    >>> from nblabel._preference_data import load_answer_judgments
    >>> judgments = load_answer_judgments()
    >>> judgments.shape
    (120, 5)
    >>> sorted(judgments["annotator"].unique())
    ['ana', 'ben', 'chloe']
    """
    frame = _read("answer_judgments.csv", _JUDGMENT_COLUMNS)
    unknown = set(frame["verdict"]) - set(_VERDICTS)
    if unknown or not set(frame["left"]) <= set(_OPTIONS):
        raise RuntimeError(f"answer_judgments.csv has unexpected verdicts {sorted(unknown)}.")
    values, metas = [], []
    for left, verdict in zip(frame["left"], frame["verdict"], strict=True):
        right = _OPTIONS[1] if left == _OPTIONS[0] else _OPTIONS[0]
        meta: dict[str, object] = {"shown": [left, right]}
        if verdict in _OPTIONS:
            other = _OPTIONS[1] if verdict == _OPTIONS[0] else _OPTIONS[0]
            values.append([[verdict], [other]])
        else:
            values.append([list(_OPTIONS)])
            if verdict == "both_bad":
                meta["all_bad"] = True
        metas.append(meta)
    return pd.DataFrame(
        {
            "item": frame["prompt_id"].to_numpy(dtype=object),
            "annotator": frame["annotator"].to_numpy(dtype=object),
            "value": values,
            "meta": metas,
            "comment": pd.Series([text or None for text in frame["comment"]], dtype=object),
        }
    )
