"""The built wheel ships the front-end bundle, and no bundle loads anything from the network."""

import re
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
STATIC = ROOT / "nblabel" / "static"
WIDGETS = sorted(p.name for p in (ROOT / "widgets").iterdir() if (p / "index.js").exists())
REMOTE_IMPORT = re.compile(
    r"""(\bimport\s*(?:[\w*{}\s,$]+\s*from\s*)?["']https?://)"""
    r"""|(\bimport\s*\(\s*["'`]https?://)"""
    r"""|(@import\s+(?:url\()?\s*["']?https?://)"""
    r"""|(\brequire\s*\(\s*["']https?://)"""
)


def test_remote_import_pattern_catches_what_it_should():
    for code in (
        'import x from "https://esm.sh/x"',
        "import 'http://cdn/x.js'",
        'const m = await import("https://cdn.jsdelivr.net/npm/vega")',
        '@import url("https://fonts.googleapis.com/css")',
    ):
        assert REMOTE_IMPORT.search(code), code
    assert not REMOTE_IMPORT.search('const ns = "http://www.w3.org/2000/svg"')


@pytest.mark.parametrize("name", WIDGETS)
def test_built_bundles_exist_and_import_nothing_remote(name):
    for suffix in (".js", ".css"):
        bundle = STATIC / f"{name}{suffix}"
        assert bundle.exists(), f"{bundle} is missing: run pip install -e . (or npm run build)"
        assert not REMOTE_IMPORT.search(bundle.read_text(encoding="utf-8")), f"{bundle} imports from the network"


@pytest.mark.slow
def test_wheel_contains_the_bundles(tmp_path):
    result = subprocess.run(
        [sys.executable, "-m", "build", "--wheel", "--outdir", str(tmp_path), str(ROOT)],
        capture_output=True, text=True, timeout=900,
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    [wheel] = tmp_path.glob("nblabel-*.whl")
    with zipfile.ZipFile(wheel) as archive:
        names = set(archive.namelist())
        for name in WIDGETS:
            for suffix in (".js", ".css"):
                member = f"nblabel/static/{name}{suffix}"
                assert member in names, f"{member} missing from {wheel.name}"
                text = archive.read(member).decode("utf-8")
                assert len(text) > 1000
                assert not REMOTE_IMPORT.search(text)
        assert not any(n.startswith(("node_modules/", "widgets/", "js/")) for n in names)
