"""Every chart nblabel returns displays with no network: the bundles it produces, in and out of a kernel.

In a Jupyter kernel, where altair would write its default HTML (Vega from a CDN, the spec in a
``<script>``), nblabel's charts display as a chart widget whose JavaScript is bundled; the user's
own renderer choice and other front ends (marimo) keep altair's behaviour.
"""

from __future__ import annotations

import json
import re

import altair as alt
import ipywidgets
import pandas as pd
import pytest
from sklearn.linear_model import LogisticRegression

import nblabel as nl
from nblabel import charts
from nblabel.charts import display

WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"
HOSTILE = "</script><img src=x onerror=alert(1)>"
#: Hosts that serve JavaScript modules; a bundle must import from none of them.
CDNS = ("esm.sh", "cdn.jsdelivr.net", "unpkg.com", "cdnjs.cloudflare.com", "skypack")


@pytest.fixture
def in_kernel(monkeypatch):
    """Behave as in a Jupyter kernel; collect the chart widgets created to display charts."""
    monkeypatch.setattr(display, "_in_jupyter_kernel", lambda: True)
    shown: list[display.OfflineChart] = []
    build = display.widget

    def recording(chart, **kwargs):
        shown.append(build(chart, **kwargs))
        return shown[-1]

    monkeypatch.setattr(display, "widget", recording)
    yield shown
    for widget in shown:
        widget.close()


@pytest.fixture
def default_renderer():
    with alt.renderers.enable("default"):
        yield


def bundle_of(chart) -> tuple[dict, dict]:
    bundle = chart._repr_mimebundle_()
    return bundle if isinstance(bundle, tuple) else (bundle, {})


@pytest.fixture(scope="module")
def every_chart() -> dict[str, alt.TopLevelMixin]:
    """One chart from each builder (and PilotReport.chart), from the data nblabel ships."""
    tickets = nl.datasets.load_support_tickets().head(60)
    intents = list(nl.datasets.SUPPORT_TICKET_INTENTS)
    task = nl.Classify(intents, text="text", guidelines="Pick the main intent.")
    proj = nl.Project(tickets, task, store=":memory:", name="offline")
    for n, (item, intent) in enumerate(tickets["intent"].items()):
        proj.add(item, intent, annotator="ana")
        proj.add(item, intent if n % 4 else intents[0], annotator="ben")
    learner = nl.learn.ActiveLearner(LogisticRegression(max_iter=500), tickets, "text",
                                     classes=intents, seed=0)
    learner.set_labels(tickets["intent"])
    assert learner.wait(120)
    predictions = learner.state.predictions()
    built = {
        "label_distribution": charts.label_distribution(proj.annotations, intents),
        "progress": charts.progress(proj.annotations),
        "throughput": charts.throughput(proj.annotations),
        "agreement": charts.agreement(proj.agreement(n=20)),
        "pairwise_heatmap": charts.pairwise_heatmap(
            nl.agreement.pairwise(proj.annotations, "cohen_kappa"), "cohen_kappa"),
        "uncertainty_histogram": charts.uncertainty_histogram(predictions),
        "learning_curve": charts.learning_curve(learner.history),
        "calibration": charts.calibration(predictions),
        "confusion": charts.confusion(predictions, intents),
        "pilot_report": proj.pilot_report(n=20).chart(),
    }
    learner.close()
    proj.close()
    return built


def test_every_chart_is_an_altair_chart_that_displays_offline(every_chart):
    for name, chart in every_chart.items():
        assert isinstance(chart, alt.TopLevelMixin), name
        assert isinstance(chart, display.OfflineDisplay), f"{name} would use altair's renderer"
        assert repr(chart).startswith("alt."), "it reads as the altair chart it is"


@pytest.mark.usefixtures("default_renderer")
@pytest.mark.parametrize("name", ["label_distribution", "agreement", "confusion", "pilot_report"])
def test_in_a_kernel_a_chart_is_a_widget_with_vega_bundled(name, every_chart, in_kernel):
    chart = every_chart[name]
    data, _ = bundle_of(chart)
    assert set(data) == {"text/plain", WIDGET_VIEW}, "a widget, and no HTML that loads a script"
    assert data["text/plain"] == repr(chart)
    assert "https://" not in json.dumps(data) and "http://" not in json.dumps(data)
    (widget,) = in_kernel
    assert data[WIDGET_VIEW]["model_id"] == widget.model_id
    assert widget.spec == chart.to_dict(), "the spec reaches the browser as widget state"
    esm = widget._esm
    assert len(esm) > 100_000, "Vega, Vega-Lite and vega-embed ship inside the widget"
    assert not re.search(r"""\bimport\s*\(|\bfrom\s*["']https?:|\bimport\s*["']https?:""", esm)
    for host in CDNS:
        assert host not in esm, f"{host} in the widget's JavaScript"


def test_no_chart_loads_data_from_a_url(every_chart):
    def keys(node):
        if isinstance(node, dict):
            for key, value in node.items():
                yield key, value
                yield from keys(value)
        elif isinstance(node, list):
            for value in node:
                yield from keys(value)

    for name, chart in every_chart.items():
        spec = chart.to_dict()
        assert [k for k, _ in keys(spec) if k == "url"] == [], f"{name} loads data from a URL"
        assert spec["datasets"], f"{name} carries its data inline"


@pytest.mark.usefixtures("default_renderer")
def test_data_reaches_the_widget_as_json_never_as_markup(in_kernel):
    chart = charts.label_distribution(pd.Series([HOSTILE, "b", HOSTILE]))
    data, _ = bundle_of(chart)
    assert "text/html" not in data
    (widget,) = in_kernel
    (rows,) = widget.spec["datasets"].values()
    assert {row["label"] for row in rows} == {HOSTILE, "b"}, "the text as it is, in JSON"


@pytest.mark.usefixtures("default_renderer")
def test_compound_charts_display_offline_too(in_kernel):
    a = charts.label_distribution(pd.Series(["x", "y", "x"]))
    b = charts.label_distribution(pd.Series(["y"]))
    mine = alt.Chart(pd.DataFrame({"v": [1, 2]})).mark_point().encode(x="v:Q")
    compound = {
        "a | b": a | b,
        "a & b": a & b,
        "a + b": a + b.mark_point(),
        "(a | b) | a": (a | b) | a,
        "(a & b) & a": (a & b) & a,
        "a | mine": a | mine,
        "a.properties(...)": a.properties(title="renamed"),
        "offline(alt.hconcat(mine, a))": display.offline(alt.hconcat(mine, a)),
        "offline(mine)": display.offline(mine),
        "offline(a.facet(...))": display.offline(a.facet(column="annotator:N")),
    }
    for name, chart in compound.items():
        assert isinstance(chart, display.OfflineDisplay), name
        data, _ = bundle_of(chart)
        assert WIDGET_VIEW in data and "text/html" not in data, name
        assert in_kernel[-1].spec == chart.to_dict(), name
    assert (a | b).to_dict() == alt.hconcat(a, b).to_dict(), "the same spec altair builds"
    assert len(compound["(a | b) | a"].to_dict()["hconcat"]) == 3, "concatenation stays flat"


def test_offline_leaves_the_chart_given_alone_and_other_objects_as_they_are():
    mine = alt.Chart(pd.DataFrame({"v": [1]})).mark_bar().encode(x="v:Q")
    shown = display.offline(mine)
    assert type(mine) is alt.Chart and shown is not mine
    assert shown.to_dict() == mine.to_dict()
    assert display.offline(shown) is shown
    assert display.offline("not a chart") == "not a chart"


@pytest.mark.parametrize("renderer", ["png", "svg", "mimetype", "json"])
def test_a_renderer_the_user_enabled_is_respected(renderer, in_kernel):
    chart = charts.label_distribution(pd.Series(["x", "y"]))
    with alt.renderers.enable(renderer):
        data, _ = bundle_of(chart)
    assert WIDGET_VIEW not in data and not in_kernel
    assert data


def test_the_users_embed_options_reach_the_widget(in_kernel):
    chart = charts.label_distribution(pd.Series(["x"]))
    with alt.renderers.enable("default", embed_options={"theme": "dark"}):
        bundle_of(chart)
    assert in_kernel[-1].embed_options == {**display.EMBED_OPTIONS, "theme": "dark"}


def test_outside_a_kernel_altair_displays_it(default_renderer):
    # Scripts and marimo have no Jupyter kernel: the chart is left to altair (and marimo).
    chart = charts.label_distribution(pd.Series(["x"]))
    data, _ = bundle_of(chart)
    assert WIDGET_VIEW not in data and "text/html" in data


def test_marimo_draws_nblabel_charts_with_its_own_vega():
    mo = pytest.importorskip("marimo")
    chart = charts.label_distribution(pd.Series(["x", "y"])) | charts.label_distribution(
        pd.Series(["y"]))
    html = mo.as_html(chart).text
    assert "application/vnd.vegalite.v6+json" in html and WIDGET_VIEW not in html


def test_widget_gives_an_offline_chart_widget_with_selections():
    chart = charts.confusion(pd.DataFrame({"label": ["a", "b"], "heldout": ["a", "a"]}))
    jchart = display.widget(chart, embed_options={"renderer": "canvas"}, debounce_wait=5)
    try:
        assert isinstance(jchart, alt.JupyterChart) and isinstance(jchart, ipywidgets.DOMWidget)
        assert jchart.selections.select_cell.value == []
        assert jchart.embed_options["renderer"] == "canvas"
        assert jchart.embed_options["actions"] == display.EMBED_OPTIONS["actions"]
        assert jchart.debounce_wait == 5
        assert "tooltip" not in jchart.embed_options, "vega-embed's escaping tooltips stay"
        assert nl.charts.widget is display.widget and nl.charts.offline is display.offline
    finally:
        jchart.close()


@pytest.mark.slow
def test_in_a_real_kernel_the_display_is_the_offline_widget(tmp_path):
    from jupyter_client.manager import start_new_kernel

    km, kc = start_new_kernel(kernel_name="python3", cwd=str(tmp_path))
    messages: list[dict] = []
    try:
        reply = kc.execute_interactive(
            "import pandas as pd, nblabel as nl\n"
            f"nl.charts.label_distribution(pd.Series([{HOSTILE!r}, 'b']))",
            timeout=180, output_hook=messages.append,
        )
    finally:
        kc.stop_channels()
        km.shutdown_kernel(now=True)
    assert reply["content"]["status"] == "ok"
    (result,) = [m["content"]["data"] for m in messages
                 if m["header"]["msg_type"] in ("execute_result", "display_data")]
    assert set(result) == {"text/plain", WIDGET_VIEW}
    opened = {m["content"]["comm_id"]: m["content"]["data"]["state"] for m in messages
              if m["header"]["msg_type"] == "comm_open"}
    state = opened[result[WIDGET_VIEW]["model_id"]]
    assert "esm.sh" not in state["_esm"] and len(state["_esm"]) > 100_000
    (rows,) = state["spec"]["datasets"].values()
    assert HOSTILE in {row["label"] for row in rows}
