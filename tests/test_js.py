"""Runs the front end's DOM-free unit tests (js/*.test.js, widgets/*/*.test.js) with Node's test runner."""

import json
import re
import shutil
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TEST_PATTERNS = ["js/*.test.js", "widgets/*/*.test.js"]


def front_end_tests() -> list[str]:
    return sorted(str(p.relative_to(ROOT)) for pattern in TEST_PATTERNS for p in ROOT.glob(pattern))


def test_npm_test_runs_every_front_end_test():
    everywhere = sorted(str(p.relative_to(ROOT)) for folder in ("js", "widgets") for p in (ROOT / folder).rglob("*.test.js"))
    assert front_end_tests() == everywhere, "a test lies outside js/ and widgets/<view>/, where npm test looks"
    script = json.loads((ROOT / "package.json").read_text())["scripts"]["test"]
    assert script.split() == ["node", "--test", *TEST_PATTERNS]


def test_front_end_unit_tests_pass():
    node = shutil.which("node")
    assert node, "Node.js is needed for the front-end tests (it also builds the bundle)"
    tests = front_end_tests()
    assert any(t.startswith("js/") for t in tests), "no tests of the shared front-end modules found"
    assert any(t.startswith("widgets/") for t in tests), "no tests of the view modules found"
    result = subprocess.run([node, "--test", *tests], cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stdout[-5000:] + result.stderr[-2000:]
    assert "# fail 0" in result.stdout


#: The most lines a front-end module (js/, widgets/<view>/) may have.
MAX_MODULE_LINES = 500


def test_front_end_modules_stay_small():
    sizes = {
        str(p.relative_to(ROOT)): len(p.read_text(encoding="utf-8").splitlines())
        for folder in ("js", "widgets")
        for p in (ROOT / folder).rglob("*.js")
    }
    assert sizes, "no front-end modules found"
    over = {path: n for path, n in sizes.items() if n > MAX_MODULE_LINES}
    assert not over, f"front-end modules over {MAX_MODULE_LINES} lines (split them, one job per module): {over}"


#: What a view must not use, so it runs wherever anywidget does (JupyterLab, Notebook 7, marimo,
#: Voilà, VS Code, Colab): host-specific globals and modules, lookups of the page outside the
#: widget's own element, and key listeners outside it (keys must never leak into, or be taken
#: from, the host's shortcuts).
NOT_PORTABLE = {
    "a JupyterLab or classic-notebook global": re.compile(r"\b(jupyterapp|IPython|Jupyter\.notebook|requirejs)\b"),
    "a host's package": re.compile(r"""["']@(jupyterlab|jupyter-widgets|lumino)/"""),
    "AMD/CommonJS loading": re.compile(r"\b(require|define)\s*\("),
    "a lookup of the page outside the widget": re.compile(
        r"document\s*\.\s*(querySelector(All)?|getElementsBy\w+|getElementById|activeElement)\b"),
    "a key listener outside the widget": re.compile(
        r"""(document|window|globalThis)\s*\.\s*addEventListener\s*\(\s*["']key"""),
}


def test_views_use_only_what_every_anywidget_host_has():
    sources = [p for folder in ("js", "widgets") for p in (ROOT / folder).rglob("*.js")
               if not p.name.endswith(".test.js") and p.name != "fake_dom.js"]
    assert sources, "no front-end modules found"
    found = [
        f"{p.relative_to(ROOT)}:{number}: {what}: {line.strip()}"
        for p in sources
        for number, line in enumerate(p.read_text(encoding="utf-8").splitlines(), 1)
        for what, pattern in NOT_PORTABLE.items()
        if pattern.search(line) and not line.lstrip().startswith("//")
    ]
    assert not found, "front-end code that only some hosts support:\n" + "\n".join(found)
