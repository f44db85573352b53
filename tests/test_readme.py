"""The README is a contract: its Python examples run as written, in order, in a fresh kernel.

Every fenced ``python`` block of README.md becomes one cell of a notebook, executed in an empty
directory (so the default store and every store file an example names start empty) by a fresh
kernel. Lines that open a widget are fine: widgets are created without a browser.
"""

from __future__ import annotations

import re
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

README = Path(__file__).resolve().parents[1] / "README.md"
#: A fenced block: its language and its text (fences at the start of a line, as GitHub reads them).
FENCE = re.compile(r"^```(?P<lang>[\w+-]*)[^\n]*\n(?P<body>.*?)^```\s*$", re.M | re.S)


def python_blocks(text: str) -> list[str]:
    """The ``python`` blocks of a Markdown text, in order."""
    return [m["body"] for m in FENCE.finditer(text) if m["lang"] == "python"]


def test_python_blocks_are_found():
    blocks = python_blocks(README.read_text(encoding="utf-8"))
    assert len(blocks) >= 7, "the introduction, the sections' examples"
    assert blocks[0].startswith("import nblabel as nl")
    sample = "text\n```python\nx = 1\n```\n```bash\nls\n```\n```python\ny = 2\n```\n"
    assert python_blocks(sample) == ["x = 1\n", "y = 2\n"]


@pytest.mark.slow
def test_readme_examples_run_in_order_in_a_fresh_kernel(tmp_path):
    blocks = python_blocks(README.read_text(encoding="utf-8"))
    notebook = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(b) for b in blocks])
    client = NotebookClient(
        notebook, timeout=600, kernel_name="python3", allow_errors=True,
        resources={"metadata": {"path": str(tmp_path)}},
    )
    client.execute()
    for number, cell in enumerate(notebook.cells, start=1):
        errors = [o for o in cell.outputs if o.output_type == "error"]
        assert not errors, (
            f"README python block {number} failed:\n{cell.source}\n--- error ---\n"
            + re.sub(r"\x1b\[[0-9;]*m", "", "\n".join(errors[0].traceback))
        )
    files = {p.name for p in tmp_path.iterdir()}
    assert "nblabel.db" in files, "the introduction uses the default store in the working directory"
    assert {"intents.db", "spans.db", "prefs.db", "team.db"} <= files, "each example its own store"
