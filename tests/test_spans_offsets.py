"""Python and the browser agree on every span offset: js/offsets.js against Python slicing.

Hypothesis draws texts made of the characters that broke other span tools (astral emoji, ZWJ
sequences, flags, combining marks, CJK, right-to-left scripts, ``\\r\\n``) and spans over them;
Node converts the code-point offsets to UTF-16 with js/offsets.js, slices, and converts back.
"""

import json
import shutil
import subprocess
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

ROOT = Path(__file__).resolve().parents[1]
PIECES = [
    "a", "Z", " ", ".", "\n", "\r\n", "\t", "é", "e\u0301", "a\u0308\u0301", "\u0301",
    "日本語", "中", "𠀋", "𪚥", "한", "שלום", "مرحبا", "\u200f", "😀", "👍🏽", "👩\u200d👩\u200d👧",
    "🏳\ufe0f\u200d🌈", "🇫🇷", "❤\ufe0f", "\u200d", "𝔘", "<b>", "&amp;",
]
SCRIPT = """
import { OffsetMap } from "./js/offsets.js";
let input = "";
for await (const chunk of process.stdin) input += chunk;
const out = JSON.parse(input).map(({ text, spans }) => {
  const map = new OffsetMap(text);
  return {
    length: map.length,
    slices: spans.map(([a, b]) => text.slice(map.toUtf16(a), map.toUtf16(b))),
    back: spans.map(([a, b]) => [map.toCodePoint(map.toUtf16(a)), map.toCodePoint(map.toUtf16(b))]),
  };
});
process.stdout.write(JSON.stringify(out));
"""


@st.composite
def case(draw):
    text = "".join(draw(st.lists(st.sampled_from(PIECES), max_size=30)))
    bounds = st.integers(0, len(text))
    spans = [sorted(pair) for pair in draw(st.lists(st.tuples(bounds, bounds), max_size=6))]
    return {"text": text, "spans": spans}


def run_node(cases):
    node = shutil.which("node")
    assert node, "Node.js is needed for the front-end tests"
    result = subprocess.run(
        [node, "--input-type=module", "-e", SCRIPT],
        input=json.dumps(cases), cwd=ROOT, capture_output=True, text=True, timeout=60,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


@settings(max_examples=15, deadline=None)
@given(st.lists(case(), min_size=1, max_size=40))
def test_browser_slices_equal_python_slices(cases):
    for given_case, got in zip(cases, run_node(cases), strict=True):
        text = given_case["text"]
        assert got["length"] == len(text)
        assert got["slices"] == [text[a:b] for a, b in given_case["spans"]]
        assert got["back"] == given_case["spans"]


def test_each_hard_piece_alone():
    cases = [{"text": f"x{piece}y", "spans": [[1, 1 + len(piece)], [0, len(piece) + 2]]} for piece in PIECES]
    for piece, got in zip(PIECES, run_node(cases), strict=True):
        assert got["slices"] == [piece, f"x{piece}y"]
