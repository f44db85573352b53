"""A small synthetic corpus of entities (PER, LOC, ORG) for span-model tests and benchmarks.

Sentences come from templates of very different frequency (the rare ones are where a model is
unsure), with made-up names and a few real ones written with what breaks offset arithmetic:
combining marks, CJK, emoji with zero-width joiners and flags. Offsets are Python code points.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

LABELS = ["PER", "LOC", "ORG"]

TEMPLATES = [  # (template, weight)
    ("{PER} lives in {LOC}.", 30),
    ("{PER} works for {ORG}.", 30),
    ("Yesterday {ORG} hired {PER} in {LOC}.", 12),
    ("The weather in {LOC} is nice today ☀️.", 10),
    ("I ordered a coffee ☕ and a croissant on Monday.", 10),
    ("{ORG} opened an office in {LOC} 🏳️‍🌈.", 6),
    ("Did you see {PER} at the {ORG} party?", 4),
    ("{PER} 在 {LOC} 工作。", 3),
    ("Meet {PER} and {PER} near {LOC} 👩‍👩‍👧.", 3),
    ("According to {ORG}, shares rose 3% on Friday.", 2),
    ("On Monday {PER} flew to {LOC} 🇯🇵.", 2),
    ("{PER} (born in {LOC}) founded {ORG}.", 2),
    ("English reviews of {ORG}: ★★★★☆ «great»", 1),
    ("{LOC} fans cheered for {PER}.", 1),
    ("Nothing happened at all.", 5),
]
KNOWN = {
    "PER": ["Zoë", "Rene\u0301e", "李雷", "José", "Jordan"],
    "LOC": ["東京", "Zürich", "São Paulo", "Kraków", "Jordan"],
    "ORG": ["Café Ñandú", "株式会社ソニー", "Initech"],
}
SYLLABLES = ["ka", "lo", "mi", "ra", "zu", "be", "to", "na", "vi", "se", "do", "ri", "ga", "pe"]


def _entity(kind: str, rng: np.random.Generator) -> str:
    if rng.random() < 0.15:
        return str(rng.choice(KNOWN[kind]))
    word = "".join(rng.choice(SYLLABLES, size=rng.integers(2, 4))).capitalize()
    if kind == "LOC":
        return word + str(rng.choice(["burg", "ville", "ton", " City"]))
    if kind == "ORG":
        return word + str(rng.choice([" Corp", " Labs", " GmbH", " Inc"]))
    return word


def make_corpus(n: int, seed: int = 0) -> pd.DataFrame:
    """Return ``n`` sentences (column ``text``) and their spans (column ``gold``)."""
    rng = np.random.default_rng(seed)
    weights = np.array([w for _, w in TEMPLATES], dtype=float)
    texts, answers = [], []
    for _ in range(n):
        rest = TEMPLATES[rng.choice(len(TEMPLATES), p=weights / weights.sum())][0]
        text, spans = "", []
        while "{" in rest:
            before, _, after = rest.partition("{")
            kind, _, rest = after.partition("}")
            text += before
            name = _entity(kind, rng)
            spans.append({"start": len(text), "end": len(text) + len(name), "label": kind})
            text += name
        texts.append(text + rest)
        answers.append(spans)
    return pd.DataFrame({"text": texts, "gold": answers})
