"""The kernel half of the item-window protocol, driven by simulated front-end messages."""

import io
import threading

import pandas as pd
import pytest
from PIL import Image

import nblabel as nl
from nblabel.store import StoreError


class Browser:
    """Stands in for a view's front end: records what the kernel sends to one widget."""

    def __init__(self, widget):
        self.widget = widget
        self.messages = []
        widget.send = lambda content, buffers=None: self.messages.append((content, buffers or []))

    def say(self, **message):
        before = len(self.messages)
        self.widget._on_message(self.widget, message, [])
        return [m for m, _ in self.messages[before:]]

    def hello(self):
        [snapshot] = [m for m in self.say(kind="hello", to="view-1") if m["kind"] == "snapshot"]
        return snapshot

    def answer(self, pos, value, req="r", event="label", **extra):
        return self.say(kind="answer", req=req, pos=pos, event=event, value=value, **extra)


@pytest.fixture
def numbers(tmp_path):
    df = pd.DataFrame({"text": [f"item {i}" for i in range(50)]})
    return nl.Project(df, nl.Classify(["a", "b"], text="text"), store=tmp_path / "n.db")


def test_snapshot_is_addressed_and_holds_the_window(numbers):
    browser = Browser(numbers.label("ana", window=5))
    snap = browser.hello()
    assert snap["to"] == "view-1"
    assert [item["pos"] for item in snap["upcoming"]] == [0, 1, 2, 3, 4]
    assert snap["history"] == [] and snap["exhausted"] is False
    assert snap["upcoming"][0]["view"] == {"text": "item 0"}
    assert snap["upcoming"][0]["id"] == "0"


def test_answer_is_stored_acknowledged_and_the_window_refilled(numbers):
    widget = numbers.label("ana", window=5)
    browser = Browser(widget)
    browser.hello()
    [ack] = browser.answer(0, "b", req="r1", flag=True, comment="hm", duration_ms=1234)
    assert ack["kind"] == "ack" and ack["req"] == "r1" and ack["pos"] == 0
    assert ack["answer"] == {"event": "label", "value": "b", "flag": "unsure", "comment": "hm"}
    assert [item["pos"] for item in ack["append"]] == [5]
    row = numbers.annotations.iloc[-1]
    assert (row["item"], row["value"], row["flag"], row["comment"], row["duration_ms"]) == (0, "b", "unsure", "hm", 1234)
    assert row["event_id"] == ack["event_id"]
    assert widget.progress["done"] == 1 and widget.progress["by_label"] == {"b": 1}


def test_a_label_not_in_the_task_is_rejected_and_nothing_is_stored(numbers):
    browser = Browser(numbers.label("ana"))
    browser.hello()
    [reject] = browser.answer(0, "<img src=x onerror=alert(1)>", req="r9")
    assert reject == {
        "kind": "reject", "req": "r9", "pos": 0,
        "reason": "'<img src=x onerror=alert(1)>' is not a label of this task; allowed: ['a', 'b'].",
    }
    assert len(numbers.annotations) == 0


@pytest.mark.parametrize(
    "message",
    [
        {"kind": "answer", "req": "r", "pos": 999, "event": "label", "value": "a"},
        {"kind": "answer", "req": "r", "pos": "0", "event": "label", "value": "a"},
        {"kind": "answer", "req": "r", "pos": True, "event": "label", "value": "a"},
        {"kind": "answer", "req": "r", "pos": 0, "event": "delete", "value": "a"},
        {"kind": "answer", "req": "r", "pos": 0, "event": "label", "value": "a", "comment": 5},
        {"kind": "answer", "req": "r", "pos": 0, "event": "label", "value": "a", "comment": "x" * 20_000},
        {"kind": "retract", "req": "r", "pos": 0},
        {"kind": "answer", "req": "r", "pos": 0, "event": "label", "value": "a", "meta": {"x": 1}},
    ],
    ids=["pos-out-of-range", "pos-string", "pos-bool", "bad-event", "comment-type", "comment-long", "nothing-to-undo", "unknown-meta"],
)
def test_malformed_messages_are_rejected(numbers, message):
    browser = Browser(numbers.label("ana"))
    browser.hello()
    [reject] = browser.say(**message)
    assert reject["kind"] == "reject" and reject["reason"]
    assert len(numbers.annotations) == 0


def test_unknown_messages_are_ignored(numbers):
    browser = Browser(numbers.label("ana"))
    assert browser.say(kind="launch-missiles") == []
    assert browser.say(nonsense=True) == []


def test_a_batch_is_handled_in_order_each_message_replied_to_as_if_alone(numbers):
    browser = Browser(numbers.label("ana", window=3))
    browser.hello()
    replies = browser.say(kind="batch", messages=[
        {"kind": "answer", "req": "r1", "pos": 0, "event": "label", "value": "a"},
        {"kind": "answer", "req": "r2", "pos": 1, "event": "label", "value": "nope"},
        {"kind": "answer", "req": "r3", "pos": 1, "event": "label", "value": "b"},
        {"kind": "retract", "req": "r4", "pos": 1},
        {"kind": "answer", "req": "r5", "pos": 2, "event": "skip", "value": None},
    ])
    assert [(r["kind"], r["req"]) for r in replies] == [
        ("ack", "r1"), ("reject", "r2"), ("ack", "r3"), ("ack", "r4"), ("ack", "r5")]
    assert numbers.annotations[["item", "event"]].values.tolist() == [
        [0, "label"], [1, "label"], [1, "retract"], [2, "skip"]]
    assert browser.say(kind="batch", messages="not a list") == []
    assert len(numbers.annotations) == 4


@pytest.mark.parametrize("message", [
    {"kind": "answer", "req": "r1", "pos": 0, "event": "label", "value": "a"},
    {"kind": "hello", "to": "view-2"},
    {"kind": "poll"},
], ids=["answer", "hello", "poll"])
def test_a_message_on_another_thread_waits_for_the_ledger(numbers, message):
    # A kernel may hand widget messages to a subshell's thread while a cell changes the project.
    widget = numbers.label("ana")
    browser = Browser(widget)
    browser.hello()
    handled = threading.Event()

    def from_a_subshell():
        browser.say(**message)
        handled.set()

    with widget._session.context.ledger.lock:
        thread = threading.Thread(target=from_a_subshell)
        thread.start()
        assert not handled.wait(0.5), "the message was handled while the ledger was held"
    thread.join(30)
    assert handled.is_set()


def test_skip_and_undo(numbers):
    browser = Browser(numbers.label("ana", window=3))
    browser.hello()
    browser.answer(0, None, event="skip")
    [ack] = browser.say(kind="retract", req="u1", pos=0)
    assert ack["kind"] == "ack" and ack["answer"] is None and ack["append"] == []
    assert numbers.annotations["event"].tolist() == ["skip", "retract"]
    assert numbers.label("ana")._session.progress()["done"] == 0


def test_resume_where_the_annotator_stopped(tmp_path):
    df = pd.DataFrame({"text": [f"item {i}" for i in range(10)]}, index=[f"id{i}" for i in range(10)])
    task = nl.Classify(["a", "b"], text="text")
    first = nl.Project(df, task, store=tmp_path / "r.db")
    browser = Browser(first.label("ana", window=4))
    browser.hello()
    for pos in range(4):
        browser.answer(pos, "a")
    browser.say(kind="retract", req="u", pos=1)
    first.close()

    again = nl.Project(df, task, store=tmp_path / "r.db")
    snap = Browser(again.label("ana", window=4)).hello()
    assert [item["pos"] for item in snap["history"]] == [0, 2, 3]
    assert all(item["answer"]["value"] == "a" for item in snap["history"])
    assert [item["pos"] for item in snap["upcoming"]] == [1, 4, 5, 6], "the undone item comes first"
    other = Browser(again.label("bob", window=2)).hello()
    assert other["history"] == [] and [i["pos"] for i in other["upcoming"]] == [0, 1]


def test_exhausted_at_the_end(tmp_path):
    df = pd.DataFrame({"text": ["x", "y"]})
    proj = nl.Project(df, nl.Classify(["a"], text="text"), store=tmp_path / "e.db")
    browser = Browser(proj.label("ana", window=5))
    assert browser.hello()["exhausted"] is True
    browser.answer(0, "a")
    [ack] = browser.answer(1, "a")
    assert ack["exhausted"] is True and ack["append"] == []
    assert proj.label("ana").progress["done"] == 2


def test_shuffled_order_is_reproducible(tmp_path):
    df = pd.DataFrame({"text": [str(i) for i in range(30)]})
    task = nl.Classify(["a"], text="text")
    orders = []
    for name in ("one", "two"):
        proj = nl.Project(df, task, store=tmp_path / f"{name}.db", order="shuffle", seed=7)
        orders.append([i["pos"] for i in Browser(proj.label("ana", window=10)).hello()["upcoming"]])
    assert orders[0] == orders[1] != list(range(10))


def test_all_views_of_an_annotator_stay_consistent(numbers):
    first, second = Browser(numbers.label("ana", window=3)), Browser(numbers.label("ana", window=3))
    first.hello()
    second.hello()
    first.answer(0, "a", req="x1")
    assert second.messages[-1][0]["kind"] == "ack" and second.messages[-1][0]["pos"] == 0
    numbers.add(1, "b", annotator="ana")
    update = [m for m, _ in second.messages if m["kind"] == "update"]
    assert update[-1] == {"kind": "update", "pos": 1, "answer": {"event": "label", "value": "b", "flag": None, "comment": None}, "based_on": 2}
    bob = Browser(numbers.label("bob"))
    bob.hello()
    numbers.add(2, "a", annotator="ana")
    assert not [m for m, _ in bob.messages if m["kind"] == "update"], "other annotators are not disturbed"


def test_answers_from_another_kernel_arrive_on_poll(tmp_path):
    df = pd.DataFrame({"text": [f"item {i}" for i in range(10)]})
    task = nl.Classify(["a", "b"], text="text")
    here = nl.Project(df, task, store=tmp_path / "k.db")
    there = nl.Project(df, task, store=tmp_path / "k.db")
    browser = Browser(here.label("ana", window=3))
    browser.hello()
    there.add(1, "b", annotator="ana")
    messages = browser.say(kind="poll")
    assert {"kind": "update", "pos": 1, "answer": {"event": "label", "value": "b", "flag": None, "comment": None}, "based_on": 1} in messages
    appended = [m for m in messages if m["kind"] == "append"]
    assert [i["pos"] for i in appended[0]["items"]] == [3], "the window is refilled past the answered item"


def test_store_failures_reject_the_answer(numbers, monkeypatch):
    browser = Browser(numbers.label("ana"))
    browser.hello()

    def disk_full(*args, **kwargs):
        raise StoreError("database or disk is full")

    monkeypatch.setattr(numbers.store, "append", disk_full)
    [reject] = browser.answer(0, "a", req="r5")
    assert reject["kind"] == "reject" and "disk is full" in reject["reason"]


def test_a_stored_answer_is_acknowledged_even_if_the_store_then_fails(tmp_path, monkeypatch, caplog):
    df = pd.DataFrame({"text": [f"item {i}" for i in range(50)]})
    numbers = nl.Project(df, nl.Classify(["a", "b"], text="text"), store=tmp_path / "n.db", overlap=2)
    widget = numbers.label("ana", window=3)
    browser = Browser(widget)
    browser.hello()

    def busy(*args, **kwargs):
        raise StoreError("database is locked")

    # Stored, then the refill cannot reserve or read: still "saved", never "not saved".
    monkeypatch.setattr(numbers.store, "claim", busy)
    [ack] = [m for m in browser.answer(0, "a", req="r1") if m["kind"] in ("ack", "reject")]
    assert ack["kind"] == "ack" and ack["append"] == []
    assert "could not refill the window" in caplog.text
    other = nl.Project(numbers.df, numbers.task, store=numbers.store.url.split("///", 1)[-1])
    other.add(10, "b", annotator="ben")  # so the next answer's id is not the one expected
    monkeypatch.setattr(numbers.store, "read", busy)
    [ack] = [m for m in browser.answer(1, "b", req="r2") if m["kind"] in ("ack", "reject")]
    assert ack["kind"] == "ack"
    assert "could not read the store" in caplog.text
    monkeypatch.undo()
    assert numbers.annotations[["item", "annotator"]].values.tolist() == [[0, "ana"], [10, "ben"], [1, "ana"]]


def test_unexpected_errors_reject_instead_of_vanishing(numbers, monkeypatch, caplog):
    browser = Browser(numbers.label("ana"))
    browser.hello()
    monkeypatch.setattr(numbers.store, "append", lambda *a, **k: 1 / 0)
    [reject] = browser.answer(0, "a", req="r6")
    assert reject["kind"] == "reject" and reject["reason"].startswith("internal error, not saved: ZeroDivisionError")


def test_text_is_sent_as_data(tmp_path):
    big = "x" * 1_000_000
    df = pd.DataFrame({"text": [None, 42, big, "<script>alert(1)</script>", float("nan"), "שלום 👩‍👩‍👧 e\u0301"]})
    proj = nl.Project(df, nl.Classify(["a"], text="text"), store=tmp_path / "t.db")
    views = [i["view"]["text"] for i in Browser(proj.label("ana", window=10)).hello()["upcoming"]]
    assert views == [None, "42", big, "<script>alert(1)</script>", None, "שלום 👩‍👩‍👧 e\u0301"]


def test_fields_are_sent_with_their_names(tmp_path):
    df = pd.DataFrame({"subject": ["Hi"], "body": ["Hello\nthere"], "n": [3]})
    task = nl.Classify(["a"], fields={"Subject": "subject", "Body": "body", "Count": "n"})
    proj = nl.Project(df, task, store=tmp_path / "f.db")
    [item] = Browser(proj.label("ana")).hello()["upcoming"]
    assert item["view"] == {"fields": [["Subject", "Hi"], ["Body", "Hello\nthere"], ["Count", "3"]]}


def _png(color):
    out = io.BytesIO()
    Image.new("RGB", (4, 3), color).save(out, format="PNG")
    return out.getvalue()


def test_images_travel_as_binary_buffers(tmp_path):
    path = tmp_path / "red.png"
    path.write_bytes(_png("red"))
    jpeg = io.BytesIO()
    Image.new("RGB", (2, 2)).save(jpeg, format="JPEG")
    df = pd.DataFrame({"img": [str(path), _png("blue"), Image.new("RGB", (5, 5)), str(tmp_path / "missing.png"), b"not an image", jpeg.getvalue()]})
    proj = nl.Project(df, nl.Classify(["a"], image="img"), store=tmp_path / "i.db")
    browser = Browser(proj.label("ana", window=10))
    browser.hello()
    content, buffers = browser.messages[-1]
    images = [item["view"]["image"] for item in content["upcoming"]]
    assert images[0] == {"buffer": 0, "mime": "image/png"} and buffers[0] == path.read_bytes()
    assert images[1]["mime"] == "image/png" and buffers[images[1]["buffer"]] == _png("blue")
    assert Image.open(io.BytesIO(buffers[images[2]["buffer"]])).size == (5, 5)
    assert images[3] == {"error": f"image file not found: {tmp_path / 'missing.png'}"}
    assert "not a PNG" in images[4]["error"]
    assert images[5]["mime"] == "image/jpeg"
    assert len(buffers) == 4


def test_a_pil_image_is_encoded_once_however_often_it_is_sent(tmp_path, monkeypatch):
    encoded = []
    original_save = Image.Image.save
    monkeypatch.setattr(Image.Image, "save", lambda self, *a, **k: encoded.append(self) or original_save(self, *a, **k))
    df = pd.DataFrame({"img": [Image.new("RGB", (4, 4), "red"), Image.new("RGB", (4, 4), "blue")]})
    proj = nl.Project(df, nl.Classify(["a"], image="img"), store=tmp_path / "i.db")
    first, second = Browser(proj.label("ana")), Browser(proj.label("ben"))
    first.hello(), first.hello(), second.hello()  # a reload, and another annotator's view
    assert len(encoded) == 2
    sent = [buffers for content, buffers in first.messages + second.messages if content["kind"] == "snapshot"]
    assert len({bytes(b[0]) for b in sent}) == 1 and len(sent) == 3


def test_widget_traits(tmp_path):
    df = pd.DataFrame({"text": ["x"]})
    task = nl.Classify(["a", "b"], text="text", multi=True, guidelines="# Title\n<script>x</script> [bad](javascript:alert(1))")
    widget = nl.Project(df, task, store=tmp_path / "w.db").label("ana")
    assert widget.task["multi"] is True and widget.task["keys"] == ["1", "2"]
    assert "guidelines" not in widget.task
    assert widget.guideline["version"] == task.guideline_version
    html = widget.guideline["html"]
    assert "<h1>Title</h1>" in html
    assert "<script>" not in html and "&lt;script&gt;" in html, "raw HTML is shown as text"
    assert "href" not in html, "javascript: links are not turned into links"


def test_closed_views_get_no_more_messages(numbers):
    widget = numbers.label("ana")
    browser = Browser(widget)
    widget.close()
    numbers.add(0, "a", annotator="ana")
    assert browser.messages == []
