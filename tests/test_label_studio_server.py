"""Round trips through a real Label Studio server: nblabel → Label Studio → nblabel.

For each kind of task, a project labelled by two annotators (with a skip, times on screen and a
pre-labeler's suggestions) is exported with ``nl.io.to_label_studio``, imported into a Label
Studio project made with ``nl.io.label_studio_config`` through its API, exported back from Label
Studio (an export snapshot, as its web app makes) and read with ``nl.Project.from_label_studio``;
every answer (item, annotator, event, value, time on screen) and every suggestion must come back.
The texts are the hard ones: ZWJ families, flags, combining marks, CJK, right-to-left, CRLF.
In headless Chromium, spans drawn with the mouse in Label Studio's web app must be stored with
Python's code-point offsets, and imported spans must be drawn over exactly their characters.

The server comes from ``NBLABEL_LABEL_STUDIO`` (see tests/label_studio_server.py and .ci/run);
without it these tests skip, or fail when ``CI`` is set.
"""

from __future__ import annotations

import os

import pandas as pd
import pytest
from label_studio_server import (
    CHROMIUM_ARGS,
    EXECUTABLE,
    LabelStudio,
    drag_over,
    label_studio_server,
    log_in,
    wait_for_word,
)
from playwright.sync_api import Error as PlaywrightError
from real_parts import unavailable

import nblabel as nl

HARD = [
    "👨‍👩‍👧 Ana visits Paris",
    "🇫🇷 France et 🇩🇪 Allemagne",
    "café vs cafe\u0301 in Zürich",
    "東京で山田さんに会った",
    "שלום Dana, מה נשמע",
    "Line one\r\nAna in Oslo\r\n",
    "👍🏽 Bob",
]
EMAILS = {"ana": "ana@example.org", "bo": "bo@example.org"}


@pytest.fixture(scope="module")
def label_studio(tmp_path_factory) -> LabelStudio:
    if not EXECUTABLE or not os.access(EXECUTABLE, os.X_OK):
        unavailable(f"no Label Studio server: NBLABEL_LABEL_STUDIO={EXECUTABLE!r} is not an "
                    "executable (.ci/run installs one)")
    with label_studio_server(EXECUTABLE, tmp_path_factory.mktemp("label-studio")) as server:
        for email in EMAILS.values():
            server.user(email)
        yield server


def spans_of(text: str, words: list[tuple[str, str]]) -> list[tuple[int, int, str]]:
    found = []
    for word, label in words:
        if word in text:
            start = text.index(word)
            found.append((start, start + len(word), label))
    return found


SPAN_WORDS = [("👨‍👩‍👧 Ana", "PER"), ("Paris", "LOC"), ("🇩🇪 Allemagne", "LOC"), ("cafe\u0301", "PER"),
              ("Zürich", "LOC"), ("東京", "LOC"), ("山田", "PER"), ("Dana", "PER"),
              ("Ana in Oslo", "LOC"), ("👍🏽 Bob", "PER")]


def build(kind: str, store) -> tuple[nl.Project, list]:
    """Return a project of ``kind`` labelled by ana and bo, and ana's answers (item, value).

    Answers carry times and times on screen; bo skips every third item; a pre-labeler ("llm",
    version "v1") suggests an answer for every item.
    """
    items = [f"t{i}" for i in range(len(HARD))]
    if kind == "rank":
        df = pd.DataFrame({"question": HARD, "answer_a": HARD[::-1],
                           "answer_b": HARD[1:] + HARD[:1]}, index=items)
        task = nl.Rank(["answer_a", "answer_b"], prompt="question", rating=(1, 5))
        values = [([["answer_a"], ["answer_b"]], {"ratings": {"answer_a": 4, "answer_b": 2}}),
                  ([["answer_b"], ["answer_a"]], None),
                  ([["answer_a", "answer_b"]], None),
                  ([["answer_a", "answer_b"]], {"all_bad": True})]
    elif kind == "rank3":
        df = pd.DataFrame({"question": HARD, "answer_a": HARD[::-1], "answer_b": HARD[2:] + HARD[:2],
                           "answer_c": HARD[1:] + HARD[:1]}, index=items)
        task = nl.Rank(["answer_a", "answer_b", "answer_c"], prompt="question", ties=False,
                       rating=["bad", "ok", "good"])
        values = [([["answer_c"], ["answer_a"], ["answer_b"]], {"ratings": {"answer_c": "good"}}),
                  ([["answer_a"], ["answer_b"], ["answer_c"]], None),
                  ([["answer_b"], ["answer_c"], ["answer_a"]], {"ratings": {"answer_a": "bad",
                                                                           "answer_b": "ok"}})]
    else:
        df = pd.DataFrame({"text": HARD}, index=items)
        if kind == "spans":
            task = nl.Spans(["PER", "LOC"], text="text")
            values = [(spans_of(text, SPAN_WORDS), None) for text in HARD]
        elif kind == "multi":
            task = nl.Classify(["pos", "neg", "neutral"], text="text", multi=True)
            values = [(["neg", "pos"], None), (["neg"], None), ([], None), (["neutral"], None)]
        else:
            task = nl.Classify(["pos", "neg", "neutral"], text="text")
            values = [("pos", None), ("neg", None), ("neutral", None)]
    rows = []
    start = pd.Timestamp("2024-03-01 09:00:00.123456", tz="UTC")
    for number, item in enumerate(items):
        value, meta = values[number % len(values)]
        rows.append({"item": item, "annotator": "ana", "value": value, "meta": meta,
                     "duration_ms": 1000 + 7 * number, "created_at": start + pd.Timedelta(
                         minutes=number)})
        other, other_meta = values[(number + 1) % len(values)]
        if kind == "spans":  # bo marks fewer spans of the same text
            other = value[:1]
        skip = number % 3 == 0
        rows.append({"item": item, "annotator": "bo", "event": "skip" if skip else "label",
                     "value": None if skip else other, "meta": None if skip else other_meta,
                     "duration_ms": None if skip else 2500,
                     "created_at": start + pd.Timedelta(minutes=number, seconds=30)})
    proj = nl.Project(df, task, store=store, name=kind)
    proj.add_many(pd.DataFrame(rows))
    suggested = {item: values[number][0][-1:] if kind == "spans"
                 else values[(number + 2) % len(values)][0] for number, item in enumerate(items)}
    proj.prelabel(lambda batch: [{"value": suggested[item], "confidence": 0.25 * (n % 5)}
                                 for n, item in enumerate(batch.index)],
                  name="llm", version="v1", progress=False)
    given = [(row["item"], task.validate_for(row["value"], df.loc[row["item"]]))
             for row in rows if row["annotator"] == "ana"]
    return proj, given


def answers(events: pd.DataFrame) -> list[tuple]:
    current = events[events["event"] != "suggest"].drop_duplicates(["item", "annotator"], keep="last")
    return sorted((row.item, row.annotator, row.event, repr(row.value), row.meta_kept)
                  for row in current.assign(meta_kept=current["meta"].map(_answer_meta))
                  .itertuples())


def _answer_meta(meta) -> str:
    kept = {k: v for k, v in (meta or {}).items() if k not in ("import_key", "imported_us")}
    return repr(sorted(kept.items()))


def suggestions(events: pd.DataFrame) -> list[tuple]:
    shown = events[events["event"] == "suggest"]
    return sorted((row.item, row.annotator, repr(row.value), row.meta.get("version"),
                   row.meta.get("confidence")) for row in shown.itertuples())


@pytest.mark.parametrize("kind", ["single", "multi", "spans", "rank", "rank3"])
def test_round_trip_through_label_studio(label_studio, tmp_path, kind):
    proj, _ = build(kind, tmp_path / "before.db")
    proj.add(proj.df.index[1], proj.labels("ana").iloc[2], annotator="ana")  # replaces one
    tasks = nl.io.to_label_studio(proj, tmp_path / "tasks.json", annotators=EMAILS)
    project_id = label_studio.project(f"nblabel {kind}", nl.io.label_studio_config(proj.task))
    imported = label_studio.import_tasks(project_id, tasks)
    assert imported["task_count"] == len(proj.df)
    exported = label_studio.export(project_id)

    back = nl.Project.from_label_studio(
        exported, config=label_studio.config(project_id),
        annotators={email: name for name, email in EMAILS.items()}, store=tmp_path / "after.db",
    )
    assert back.task == proj.task
    assert back.df.index.tolist() == proj.df.index.tolist()
    for column in back.task.columns():
        assert back.df[column].tolist() == proj.df[column].tolist()  # the texts, byte for byte
    assert answers(back.annotations) == answers(proj.annotations)
    assert suggestions(back.annotations) == suggestions(proj.annotations)
    # Label Studio's import keeps lead_time but stamps created_at with the time of the import.
    before = proj.annotations.drop_duplicates(["item", "annotator"], keep="last")
    after = back.annotations[back.annotations["event"] != "suggest"]
    assert sorted(before.loc[before["event"] != "suggest", "duration_ms"].fillna(-1)) == sorted(
        after["duration_ms"].fillna(-1))
    proj.close()
    back.close()


def test_spans_keep_their_code_point_offsets(label_studio, tmp_path):
    """The server stores and returns the offsets and the region texts it was given."""
    proj, given = build("spans", tmp_path / "spans.db")
    project_id = label_studio.project("nblabel offsets", nl.io.label_studio_config(proj.task))
    label_studio.import_tasks(project_id, nl.io.to_label_studio(proj, annotators=EMAILS))
    exported = label_studio.export(project_id)
    for task in exported:
        text = task["data"]["text"]
        assert text in HARD
        for annotation in task["annotations"]:
            for region in annotation["result"]:
                value = region["value"]
                assert text[value["start"]:value["end"]] == value["text"]
    ana = {(t["meta"]["item"], (r["value"]["start"], r["value"]["end"], r["value"]["labels"][0]))
           for t in exported for a in t["annotations"]
           if a["completed_by"]["email"] == EMAILS["ana"] for r in a["result"]}
    expected = {(item, (s["start"], s["end"], s["label"])) for item, value in given for s in value}
    assert ana == expected
    proj.close()


def drawn_regions(page, expected: list[str], seconds: float = 45.0) -> list[str]:
    """The texts of the regions the web app draws, read until they are ``expected`` or time ends."""
    shown: list[str] = []
    for _ in range(int(seconds / 0.2)):
        try:
            shown = page.eval_on_selector_all(".htx-highlight", "els => els.map(e => e.textContent)")
        except PlaywrightError:  # the page is still loading
            shown = []
        if sorted(shown) == expected:
            break
        page.wait_for_timeout(200)
    return shown


@pytest.fixture
def page(label_studio, playwright):
    chromium = os.environ.get("NBLABEL_CHROMIUM", "/usr/bin/chromium")
    if not os.access(chromium, os.X_OK):
        unavailable(f"no Chromium at {chromium} (apt-get install chromium)")
    try:
        browser = playwright.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
    except PlaywrightError as error:
        pytest.fail(f"Chromium did not start: {error}")
    try:
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        page.set_default_timeout(120_000)  # the web app is heavy on a loaded machine
        log_in(page, label_studio)
        yield page
    finally:
        browser.close()


DRAWN = [("👨‍👩‍👧 Ana visits Paris", "Paris"), ("🇫🇷 France et 🇩🇪 Allemagne", "Allemagne"),
         ("café vs cafe\u0301 in Zürich", "Zürich"), ("東京で山田さんに会った", "山田"),
         ("שלום Dana, מה נשמע", "Dana"), ("Line one\r\nAna in Oslo\r\n", "Oslo"),
         ("👍🏽 Bob and 👨‍👩‍👧", "and")]


@pytest.mark.browser
def test_label_studio_web_app_counts_code_points(label_studio, page):
    """Spans drawn in Label Studio's web app are stored in code points, and imported spans are
    drawn over exactly the characters they cover: its offsets are nblabel's."""
    task = nl.Spans(["PER", "LOC"], text="text")
    project_id = label_studio.project("nblabel drawn", nl.io.label_studio_config(task))
    label_studio.import_tasks(project_id, [{"data": {"text": text}} for text, _ in DRAWN])
    words = dict(DRAWN)
    stored_tasks = label_studio.tasks(project_id)
    assert sorted(t["data"]["text"] for t in stored_tasks) == sorted(words)
    for stored in stored_tasks:
        text = stored["data"]["text"]
        word = words[text]
        page.goto(f"{label_studio.url}/projects/{project_id}/data?task={stored['id']}")
        wait_for_word(page, word)
        page.get_by_text("LOC", exact=True).first.click()
        drag_over(page, word)
        page.get_by_role("button", name="Submit").click()
        page.wait_for_function("document.querySelectorAll('.htx-highlight').length > 0")
        annotations = []
        for _ in range(100):
            annotations = label_studio.annotations(stored["id"])
            if annotations:
                break
            page.wait_for_timeout(100)
        [region] = annotations[0]["result"]
        start = text.index(word)
        assert (region["value"]["start"], region["value"]["end"]) == (start, start + len(word))

    proj = nl.Project(pd.DataFrame({"text": HARD}), task, store=":memory:")
    for number, text in enumerate(HARD):
        proj.add(number, spans_of(text, SPAN_WORDS), annotator="ana")
    shown_id = label_studio.project("nblabel shown", nl.io.label_studio_config(task))
    label_studio.import_tasks(shown_id, nl.io.to_label_studio(proj, annotators=EMAILS))
    for stored in label_studio.tasks(shown_id):
        text = stored["data"]["text"]
        expected = sorted(text[s:e] for s, e, _ in spans_of(text, SPAN_WORDS))
        page.goto(f"{label_studio.url}/projects/{shown_id}/data?task={stored['id']}")
        # The view renders the regions more than once while it settles (they may vanish for a
        # moment), and now and then opens the task without its annotation: then a second load
        # shows it. What is drawn is read until it is what was exported.
        shown = drawn_regions(page, expected)
        if sorted(shown) != expected:
            page.reload()
            shown = drawn_regions(page, expected)
        assert sorted(shown) == expected
    proj.close()
