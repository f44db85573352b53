"""One bad row never blocks a view: the item says what is wrong, can be skipped, the rest labeled."""

import json

import pandas as pd
import pytest
from test_widget_protocol import Browser

import nblabel as nl

LONE = "caf\udce9 au lait"  # text decoded with surrogateescape: cannot travel as UTF-8


def _sendable(messages):
    for message in messages:
        json.dumps(message, ensure_ascii=False).encode("utf-8")  # raises on a lone surrogate
    return messages


TASKS = {
    "classify": (nl.Classify(["a", "b"], text="text"), "a"),
    "classify fields": (nl.Classify(["a", "b"], fields={"Text": "text"}), "a"),
    "rank": (nl.Rank(["text", "other"]), [["text"], ["other"]]),
    "spans": (nl.Spans(["X"], text="text"), []),
}


@pytest.mark.parametrize("kind", list(TASKS))
def test_a_lone_surrogate_is_isolated_to_its_item(kind, tmp_path):
    task, answer = TASKS[kind]
    # object columns: pandas' Arrow-backed strings (with pyarrow installed) refuse such text
    df = pd.DataFrame({"text": pd.Series(["one", LONE, "three", "four"], dtype=object),
                       "other": ["x", "y", "z", "w"]})
    project = nl.Project(df, task, store=tmp_path / "b.db")
    view = Browser(project.label("ana", window=4))
    snapshot = _sendable([view.hello()])[0]
    bad = snapshot["upcoming"][1]
    assert bad["view"] is None or bad["view"].get("text") is None
    problem = bad.get("problem") or " ".join(bad["view"]["errors"])
    assert "surrogate" in problem and "U+DCE9" in problem
    assert [item.get("problem") for item in snapshot["upcoming"][2:]] == [None, None]

    def meta(item):
        return {"shown": [key for key, _ in item["view"]["options"]]} if kind == "rank" else None

    replies = _sendable(view.answer(0, answer, req="r0", meta=meta(snapshot["upcoming"][0])))
    assert replies[0]["kind"] == "ack"
    assert _sendable(view.answer(1, None, req="r1", event="skip"))[0]["kind"] == "ack"
    replies = _sendable(view.answer(2, answer, req="r2", meta=meta(snapshot["upcoming"][2])))
    assert replies[0]["kind"] == "ack"
    events = project.annotations
    assert events["event"].tolist() == ["label", "skip", "label"]


def test_ids_and_columns_that_cannot_identify_anything_are_refused_up_front(tmp_path):
    df = pd.DataFrame({"text": ["fine", "also fine"]},
                      index=pd.Index(["ok", "bad\ud800id"], dtype=object))
    with pytest.raises(ValueError, match="lone UTF-16 surrogate.*bad\\\\ud800id"):
        nl.Project(df, nl.Classify(["a", "b"], text="text"), store=tmp_path / "i.db")
    twice = pd.DataFrame([["a", "b"]], columns=["text", "text"])
    with pytest.raises(ValueError, match=r"several columns named \['text'\]"):
        nl.Project(twice, nl.Classify(["a", "b"], text="text"), store=tmp_path / "c.db")


def test_a_view_that_fails_to_build_is_reported_not_raised(tmp_path):
    df = pd.DataFrame({"text": ["a b", "c d", "e f"]})

    def tokens(text):
        if text == "c d":
            raise RuntimeError("tokenizer broke")
        return [(0, 1), (2, 3)]

    project = nl.Project(df, nl.Spans(["X"], text="text", tokens=tokens), store=tmp_path / "t.db")
    snapshot = Browser(project.label("ana")).hello()
    assert "tokenizer broke" in " ".join(snapshot["upcoming"][1]["view"]["errors"])

    images = pd.DataFrame({"photo": [b"\x89PNG\r\n\x1a\n" + b"0" * 10, 12345]})
    project = nl.Project(images, nl.Classify(["a", "b"], image="photo"), store=tmp_path / "p.db")
    view = Browser(project.label("ana"))
    upcoming = view.hello()["upcoming"]
    assert len(upcoming) == 2
    assert "error" in upcoming[1]["view"]["image"] or upcoming[1].get("problem")


@pytest.mark.parametrize("dtype", [object, "string[python]"])
def test_a_lone_surrogate_among_many_ids_is_found(tmp_path, dtype):
    ids = [f"id{i}" for i in range(5_000)]
    ids[3_210] = "x\udc80y"
    df = pd.DataFrame({"text": ["t"] * len(ids)}, index=pd.Index(ids, dtype=dtype))
    with pytest.raises(ValueError, match=r"1 id\(s\) with a lone UTF-16 surrogate.*x\\udc80y"):
        nl.Project(df, nl.Classify(["a", "b"], text="text"), store=tmp_path / "m.db")
    fine = df.set_axis([f"ok{i}" for i in range(len(ids))])
    nl.Project(fine, nl.Classify(["a", "b"], text="text"), store=tmp_path / "f.db")
