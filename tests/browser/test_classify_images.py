"""Images prepared ahead in the classification view, in a real JupyterLab and Chromium.

Large images are scaled ahead to the device pixels they cover (twice the CSS pixels on this
high-DPI page), decoded and swapped in on the keypress. What the annotator sees must stay right:
each item's own picture (checked by its colour), its aspect ratio and alt text, after fast keys,
after a resize, and a picture the browser cannot decode still shown as a broken image.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any

import pytest

from .conftest import VIEWPORT
from .lab import (
    run_notebook,
    wait_for_widget,
    wait_until,
)

pytestmark = pytest.mark.browser

COLORS = {"red": (255, 0, 0), "blue": (0, 0, 255), "green": (0, 128, 0), "yellow": (255, 255, 0), "magenta": (255, 0, 255), "cyan": (0, 255, 255), "black": (0, 0, 0), "white": (255, 255, 255)}
#: Item sizes in turn: landscape and portrait, both larger than their box.
SIZES = [(1600, 1200), (900, 1500)]

SETUP = (
    "import io, pandas as pd, nblabel as nl\n"
    "from PIL import Image\n"
    "def jpeg(color, size):\n"
    "    out = io.BytesIO(); Image.new('RGB', size, color).save(out, format='JPEG', quality=95); return out.getvalue()\n"
    f"colors = {list(COLORS)!r}\n"
    f"images = [jpeg(c, {SIZES!r}[k % 2]) for k, c in enumerate(colors)]\n"
    "images.insert(5, b'\\xff\\xd8\\xff\\xe0' + b'not a picture' * 50)  # a JPEG by its signature, undecodable\n"
    "titles = colors[:5] + ['broken'] + colors[5:]\n"
    "df = pd.DataFrame({'img': images, 'title': titles})\n"
    "task = nl.Classify(['keep', 'drop'], image='img', fields={'Title': 'title'})\n"
    "proj = nl.Project(df, task, store='scaled_images.db')\n"
    "proj.label('viewer')"
)

#: What the widget shows: its one image element, its size (own and on screen) and its centre colour.
SHOWN_JS = r"""
(root) => {
  const images = root.querySelectorAll('img.nbl-image');
  const img = images[0];
  const rect = img.getBoundingClientRect();
  const holder = img.parentElement;
  const style = getComputedStyle(holder);
  const state = {
    count: images.length, hidden: img.hidden, alt: img.alt, complete: img.complete,
    natural: [img.naturalWidth, img.naturalHeight], css: [rect.width, rect.height],
    room: holder.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight),
    title: root.querySelector('.nbl-fields dd').textContent, rgb: null,
    rendering: getComputedStyle(img).imageRendering, ratio: devicePixelRatio,
  };
  if (img.complete && img.naturalWidth) {
    const canvas = document.createElement('canvas');
    canvas.width = canvas.height = 1;
    const g = canvas.getContext('2d');
    g.drawImage(img, img.naturalWidth / 2, img.naturalHeight / 2, 1, 1, 0, 0, 1, 1);
    state.rgb = [...g.getImageData(0, 0, 1, 1).data.slice(0, 3)];
  }
  return state;
}
"""


@pytest.fixture
def hidpi_page(browser: Any) -> Iterator[Any]:
    """A page at two device pixels per CSS pixel."""
    context = browser.new_context(viewport=VIEWPORT, device_scale_factor=2)
    context.set_default_timeout(30_000)
    try:
        yield context.new_page()
    finally:
        context.close()


def showing(widget, title: str) -> None:
    wait_until(lambda: widget.evaluate(SHOWN_JS)["title"] == title, 20, f"item {title}")


def shown(widget) -> dict:
    """The shown image once it has loaded (or failed to)."""
    return wait_until(lambda: (lambda s: s if s["complete"] else None)(widget.evaluate(SHOWN_JS)), 20, "the image to load")


def assert_right_picture(state: dict) -> None:
    """The picture shown is the item's own, at its own aspect ratio, inside its box."""
    assert state["count"] == 1 and not state["hidden"] and state["alt"] == "item image", state
    expected = COLORS[state["title"]]
    assert all(abs(a - b) <= 40 for a, b in zip(state["rgb"], expected, strict=True)), (state["title"], state["rgb"])
    own = SIZES[list(COLORS).index(state["title"]) % 2]
    width, height = state["css"]
    assert abs(width / height - own[0] / own[1]) < 0.01, ("aspect ratio", state)
    assert width <= state["room"] + 0.01 and height <= VIEWPORT["height"] / 2 + 0.01, ("outside its box", state)
    if state["rendering"] == "pixelated":  # sampled without filtering: only right at one pixel per device pixel
        assert state["natural"] == [round(state["ratio"] * width), round(state["ratio"] * height)], ("not 1:1", state)


def test_images_scaled_ahead_on_a_high_dpi_page(lab_server, hidpi_page):
    page = hidpi_page
    run_notebook(page, lab_server, "scaled.ipynb", [SETUP])
    widget = wait_for_widget(page, ".nbl-root")
    showing(widget, "red")
    first = shown(widget)
    assert_right_picture(first)
    assert first["natural"] == list(SIZES[0]), "the first item is shown as it is, before anything is prepared"

    # Settled keys: the next item is ready when its key comes, scaled to the device pixels it covers.
    widget.click(position={"x": 5, "y": 5})
    for title in ["blue", "green", "yellow"]:
        time.sleep(2.0)  # the next images are prepared while the annotator looks
        page.keyboard.press("1")
        showing(widget, title)
        state = shown(widget)
        assert_right_picture(state)
        own = SIZES[list(COLORS).index(title) % 2]
        assert state["natural"][0] < own[0], ("not scaled ahead", state)
        assert state["natural"] == [round(2 * state["css"][0]), round(2 * state["css"][1])], ("two device pixels per CSS pixel", state)

    # Fast keys: whatever is ready or not, each item shows its own picture.
    page.keyboard.press("1")  # magenta
    page.keyboard.press("1")  # the broken one
    broken = wait_until(lambda: (lambda s: s if s["title"] == "broken" and s["complete"] else None)(widget.evaluate(SHOWN_JS)), 20, "the broken image")
    assert broken["count"] == 1 and not broken["hidden"] and broken["alt"] == "item image"
    assert broken["natural"] == [0, 0], "an undecodable image is shown as broken, not as another item's picture"
    for _ in range(2):
        page.keyboard.press("1")
    showing(widget, "black")
    assert_right_picture(shown(widget))
    for title in ["cyan", "broken", "magenta", "yellow"]:
        page.keyboard.press("ArrowLeft")
        showing(widget, title)
        state = shown(widget)
        if title == "broken":
            assert state["natural"] == [0, 0]
        else:
            assert_right_picture(state)

    # A narrower window: what was scaled for the old box is not used; pictures stay in their box.
    page.keyboard.press("ArrowRight")  # magenta
    showing(widget, "magenta")
    time.sleep(2.0)
    page.set_viewport_size({"width": 700, "height": VIEWPORT["height"]})
    wait_until(lambda: (lambda s: s["css"][0] <= s["room"] + 0.01)(widget.evaluate(SHOWN_JS)), 20, "the picture to fit")
    assert_right_picture(shown(widget))
    page.keyboard.press("ArrowRight")  # the broken one
    for title in ["cyan", "black"]:
        time.sleep(2.0)
        page.keyboard.press("ArrowRight")
        showing(widget, title)
        state = shown(widget)
        assert_right_picture(state)
        assert state["natural"][0] < SIZES[list(COLORS).index(title) % 2][0], ("not scaled ahead", state)
        assert state["natural"] == [round(2 * state["css"][0]), round(2 * state["css"][1])], ("scaled for the new box", state)
