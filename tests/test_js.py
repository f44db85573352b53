"""Runs the front end's DOM-free unit tests (js/*.test.js) with Node's built-in test runner."""

import shutil
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_front_end_unit_tests_pass():
    node = shutil.which("node")
    assert node, "Node.js is needed for the front-end tests (it also builds the bundle)"
    tests = sorted(str(p.relative_to(ROOT)) for p in (ROOT / "js").glob("*.test.js"))
    assert tests, "no front-end tests found"
    result = subprocess.run([node, "--test", *tests], cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stdout[-5000:] + result.stderr[-2000:]
    assert "# fail 0" in result.stdout
