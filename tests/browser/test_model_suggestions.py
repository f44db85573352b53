"""Suggestions beyond single labels, in a real JupyterLab and Chromium: a span model's spans and a
multi-label model's label sets accepted by key and stored as the annotator's answer, and whose
suggestion a view shows (a pre-labeler's name and version, or the model's version)."""

from __future__ import annotations

import pytest

from .lab import (
    kernel_for,
    run_notebook,
    wait_for_widget,
    wait_until,
)

pytestmark = pytest.mark.browser

ROOT = ".jp-OutputArea-output .nbl-root"

#: Sentences with people, places and organisations, and their spans (code points).
CORPUS = r'''
import pandas as pd, nblabel as nl
PEOPLE = ["Ana", "Ben", "Chloé", "Dmitri", "Eun-ji", "Farid", "Grace", "Hiro", "Inès", "José", "Kofi", "Lena", "Mía"]
PLACES = ["Lima", "Oslo", "Zürich", "Kraków", "Nairobi", "Osaka", "Quito", "Tunis"]
ORGS = ["Initech", "Globex", "Umbrella", "Acme Corp"]
TEMPLATES = ["{PER} lives in {LOC}.", "{PER} works for {ORG}.", "Yesterday {ORG} hired {PER} in {LOC}."]

def sentence(i):
    names = {"PER": PEOPLE[i % 13], "LOC": PLACES[(i * 5) % 8], "ORG": ORGS[(i * 3) % 4]}
    text, spans, rest = "", [], TEMPLATES[i % 3]
    while "{" in rest:
        before, _, after = rest.partition("{")
        kind, _, rest = after.partition("}")
        text += before
        spans.append({"start": len(text), "end": len(text) + len(names[kind]), "label": kind})
        text += names[kind]
    return text + rest, spans

rows = [sentence(i) for i in range(60)]
people = pd.DataFrame({"text": [t for t, _ in rows]})
gold = [s for _, s in rows]
'''

SPAN_MODEL = CORPUS + r'''
proj = nl.Project(people, nl.Spans(["PER", "LOC", "ORG"], text="text"), store="model_spans.db", name="ner")
for item in range(30):
    proj.add(item, gold[item], annotator="seed")
learner = proj.learn(retrain_every=1000, seed=0, cv=0)
learner.request()
assert learner.wait(120) and learner.state.status == "ready", learner.state.message
picked = [item for item in range(30, 60) if learner.state.suggestion(item)[0]][:3]
proj.label("ana", items=picked)
'''

MULTI_MODEL = r'''
import nblabel as nl
from sklearn.linear_model import LogisticRegression
df = nl.datasets.load_support_tickets()
labels = [*nl.datasets.SUPPORT_TICKET_INTENTS, "urgent"]
sets = {item: [df.at[item, "intent"], *(["urgent"] if df.at[item, "urgent"] else [])] for item in df.index}
proj = nl.Project(df, nl.Classify(labels, text="text", multi=True), store="model_sets.db", name="sets")
for item in df.index[:120]:
    proj.add(item, sets[item], annotator="seed")
learner = proj.learn(LogisticRegression(max_iter=1000, C=20), retrain_every=1000, seed=0, cv=0)
learner.request()
assert learner.wait(120) and learner.state.status == "ready", learner.state.message
picked = [item for item in df.index[120:] if learner.state.suggestion(item)[0]][:3]
proj.label("ana", items=picked)
'''

PRELABELERS = CORPUS + r'''
spans = nl.Project(people, nl.Spans(["PER", "LOC", "ORG"], text="text"), store="prelabels.db", name="ner")
spans.prelabel(lambda rows: [{"value": [s for s in gold[i] if s["label"] == "LOC"], "confidence": 0.8} for i in rows.index],
               name="gazetteer", version="g1", progress=False)
spans.prelabel(lambda rows: [[s for s in gold[i] if s["label"] == "PER"] for i in rows.index],
               name="capitals", version="c2", progress=False)
display(spans.label("ana", show_suggestions="gazetteer"))
tickets = nl.datasets.load_support_tickets().head(10)
sets = nl.Project(tickets, nl.Classify(["billing", "bug", "urgent"], text="text", multi=True), store="prelabels.db", name="sets")
sets.prelabel(lambda rows: [{"value": ["billing", "urgent"], "confidence": 0.7}] * len(rows), name="keywords", version="k7", progress=False)
display(sets.label("ana"))
'''


def shown_item(widget) -> str:
    return widget.locator(".nbl-position").inner_text().removeprefix("item ")


def open_views(server, page, name: str, cells: list[str], count: int):
    path = run_notebook(page, server, name, cells)
    wait_for_widget(page, ".nbl-root")
    wait_until(lambda: page.locator(ROOT).count() == count, 60, f"{count} views")
    views = page.locator(ROOT).all()
    for view in views:
        wait_until(lambda view=view: view.locator(".nbl-position").is_visible(), 30, "the first item")
    return path, views


def test_a_span_models_suggestions_are_accepted_by_key_and_stored_as_the_answer(lab_server, page):
    path, [widget] = open_views(lab_server, page, "model_spans.ipynb", [SPAN_MODEL], 1)
    counts = widget.locator(".nbl-spans-counts")
    wait_until(lambda: "model suggests" in counts.inner_text(), 20,
               lambda: f"the model's spans on screen; the view says {counts.inner_text()!r}")
    item = int(shown_item(widget))
    with kernel_for(lab_server, path) as kernel:
        offer = kernel.eval(f"learner.state.offer(proj.df.index.get_loc({item}))")
        n = len(offer["value"])
        assert n and offer["version"] == kernel.eval("learner.state.version") >= 1
        assert f"model suggests {n} span{'s' if n > 1 else ''} — Enter accepts all" in counts.inner_text()
        assert counts.get_attribute("title") == (f"model, version {offer['version']} · "
                                                 f"{round(100 * offer['confidence'])}% sure of this item")

        widget.click(position={"x": 5, "y": 5})
        page.keyboard.press("]")  # focus the first suggested span: the model's confidence in it
        context = widget.locator(".nbl-spans-context")
        first = offer["value"][0]
        text = kernel.eval(f"proj.df.at[{item}, 'text']")
        expected = (f"model suggests “{text[first['start']:first['end']]}” ({first['label']}) at "
                    f"{round(100 * offer['confidences'][0])}% — Space accepts")
        wait_until(lambda: context.inner_text().startswith(expected), 10,
                   lambda: f"{expected!r}; the view says {context.inner_text()!r}")
        page.keyboard.press("Escape")
        page.keyboard.press("Enter")  # accepts the model's spans
        page.keyboard.press("Enter")  # submits them
        answers = "proj.annotations[(proj.annotations['event'] == 'label') & (proj.annotations['annotator'] == 'ana')]"
        wait_until(lambda: kernel.eval(f"len({answers})") == 1, 20, "ana's answer in the store")
        stored = kernel.eval(f"[int({answers}.iloc[0]['item']), *{answers}.iloc[0][['value', 'source']]]")
        assert stored == [item, offer["value"], "human"], "the model's spans, stored as ana's answer"
        meta = kernel.eval(f"{answers}.iloc[0]['meta']")
        assert meta["suggestions"]["source"] == "model"
        assert meta["suggestions"]["accepted"] == list(range(n)) and meta["suggestions"]["rejected"] == []
        wait_until(lambda: shown_item(widget) != str(item), 10, "the next item")


def test_a_multi_label_suggestion_is_accepted_with_enter(lab_server, page):
    path, [widget] = open_views(lab_server, page, "model_sets.ipynb", [MULTI_MODEL], 1)
    hint = widget.locator(".nbl-suggestion")
    wait_until(hint.is_visible, 20, "the model's label set on screen")
    item = shown_item(widget)
    with kernel_for(lab_server, path) as kernel:
        offer = kernel.eval(f"learner.state.offer(proj.df.index.get_loc({item!r}))")
        value = offer["value"]
        assert value, "a label set to accept"
        assert hint.inner_text() == (f"model suggests: {', '.join(value)} "
                                     f"({round(100 * offer['confidence'])}%) — Enter accepts")
        assert hint.get_attribute("title") == f"model, version {offer['version']}"
        pressed = [b.inner_text().split("\n")[0] for b in widget.locator("button[aria-pressed='true']").all()]
        assert all(any(label in p for p in pressed) for label in value), (pressed, value)
        widget.click(position={"x": 5, "y": 5})
        page.keyboard.press("Enter")
        answers = "proj.annotations[(proj.annotations['event'] == 'label') & (proj.annotations['annotator'] == 'ana')]"
        wait_until(lambda: kernel.eval(f"len({answers})") == 1, 20, "ana's answer in the store")
        assert kernel.eval(f"{answers}.iloc[0][['item', 'value', 'meta']].tolist()") == [
            item, value, {"suggestion": value, "accepted": True}]
        wait_until(lambda: shown_item(widget) != item, 10, "the next item")


def test_a_view_names_the_pre_labeler_and_its_version(lab_server, page):
    path, [spans, sets] = open_views(lab_server, page, "prelabels.ipynb", [PRELABELERS], 2)
    counts = spans.locator(".nbl-spans-counts")
    wait_until(lambda: "gazetteer suggests 1 span — Enter accepts all" in counts.inner_text(), 20,
               lambda: f"the chosen pre-labeler named; the view says {counts.inner_text()!r}")
    assert counts.get_attribute("title") == "gazetteer, version g1 · 80% sure of this item"
    hint = sets.locator(".nbl-suggestion")
    assert hint.inner_text() == "keywords suggests: billing, urgent (70%) — Enter accepts"
    assert hint.get_attribute("title") == "keywords, version k7"

    spans.click(position={"x": 5, "y": 5})
    page.keyboard.press("Enter")
    page.keyboard.press("Enter")
    sets.click(position={"x": 5, "y": 5})
    page.keyboard.press("Enter")
    with kernel_for(lab_server, path) as kernel:
        answers = "spans.annotations[spans.annotations['event'] == 'label']"
        wait_until(lambda: kernel.eval(f"len({answers})") == 1, 20, "the span answer")
        meta = kernel.eval(f"{answers}.iloc[0]['meta']")
        assert meta["suggestions"]["source"] == "prelabel:gazetteer", "the shown pre-labeler, not the newest"
        assert kernel.eval(f"{answers}.iloc[0]['value']") == kernel.eval("[s for s in gold[0] if s['label'] == 'LOC']")
        wait_until(lambda: kernel.eval("len(sets.annotations[sets.annotations['event'] == 'label'])") == 1, 20,
                   "the label-set answer")
        report = kernel.eval("sets.suggestion_report().acceptance.query(\"scope == 'suggested_by'\")"
                             "[['key', 'answers', 'agree']].values.tolist()")
        assert report == [["keywords", 1, 1]], report
