"""Prodigy JSONL: writing a project's answers, reading Prodigy's datasets, round trips."""

from __future__ import annotations

import json

import pandas as pd
import pytest

import nblabel as nl
from nblabel.io.prodigy import stable_hash

HARD = [
    "👨‍👩‍👧 Ana visits Paris",
    "🇫🇷 France et 🇩🇪 Allemagne",
    "café vs cafe\u0301 in Zürich",
    "東京 で 山田 さん",
    "שלום Dana, מה נשמע",
    "Line one\r\nAna in Oslo\r\n",
    "👍🏽 Bob",
]
WORDS = [("👨‍👩‍👧 Ana", "PER"), ("Paris", "LOC"), ("🇩🇪 Allemagne", "LOC"), ("cafe\u0301", "PER"),
         ("Zürich", "LOC"), ("東京", "LOC"), ("山田", "PER"), ("Dana", "PER"), ("Oslo", "LOC"),
         ("👍🏽 Bob", "PER")]
T0 = pd.Timestamp("2024-05-01 08:30:00", tz="UTC")


def spans_of(text):
    found = []
    for word, label in WORDS:
        if word in text:
            start = text.index(word)
            found.append({"start": start, "end": start + len(word), "label": label})
    return found


def project(task, df, rows):
    proj = nl.Project(df, task, store=":memory:")
    proj.add_many(pd.DataFrame(rows))
    return proj


def current(events):
    latest = events.sort_values("event_id").drop_duplicates(["item", "annotator"], keep="last")
    return sorted(
        (row.item, row.annotator, row.event, json.dumps(row.value, ensure_ascii=False),
         row.created_at, row.flag,
         json.dumps({k: v for k, v in (row.meta or {}).items()
                     if k not in ("import_key", "imported_us")}, sort_keys=True))
        for row in latest.itertuples()
    )


def hard_frame():
    return pd.DataFrame({"text": HARD}, index=[f"t{i}" for i in range(len(HARD))])


def rows_for(values, other):
    rows = []
    for number, (item, value) in enumerate(values.items()):
        rows.append({"item": item, "annotator": "ana", "value": value,
                     "flag": "unsure" if number == 1 else None,
                     "created_at": T0 + pd.Timedelta(seconds=number)})
        rows.append({"item": item, "annotator": "bo", "event": "skip" if number % 3 == 0 else
                     "label", "value": None if number % 3 == 0 else other(value),
                     "created_at": T0 + pd.Timedelta(minutes=1, seconds=number)})
    return rows


@pytest.mark.parametrize("kind", ["single", "multi", "spans"])
def test_round_trip_through_jsonl_keeps_answers_annotators_times_and_flags(tmp_path, kind):
    df = hard_frame()
    if kind == "spans":
        task = nl.Spans(["PER", "LOC"], text="text")
        values = {item: spans_of(text) for item, text in df["text"].items()}
        rows = rows_for(values, lambda value: value[:1])
    else:
        task = nl.Classify(["pos", "neg", "neutral"], text="text", multi=kind == "multi")
        cycle = [["neg", "pos"], [], ["neutral"]] if kind == "multi" else ["pos", "neg", "neutral"]
        values = {item: cycle[n % 3] for n, item in enumerate(df.index)}
        rows = rows_for(values, lambda value: cycle[(cycle.index(value) + 1) % 3])
    proj = project(task, df, rows)
    path = tmp_path / "dataset.jsonl"
    examples = nl.io.to_prodigy(proj, path)
    lines = path.read_text(encoding="utf-8").splitlines()
    assert [json.loads(line) for line in lines] == examples
    back = nl.Project.from_prodigy(path, task=task, store=tmp_path / "back.db")
    assert back.task == task
    assert back.df["text"].tolist() == HARD and back.df.index.tolist() == df.index.tolist()
    assert current(back.annotations) == current(proj.annotations)
    assert back.df["_input_hash"].notna().all() and back.df["_task_hash"].notna().all()
    def hashes(found):
        return sorted((e["meta"]["item"], e["_annotator_id"], e["_input_hash"], e["_task_hash"])
                      for e in found)

    assert hashes(nl.io.to_prodigy(back)) == hashes(examples)  # kept as they were
    back.close()


def test_choice_examples_say_what_prodigy_expects():
    df = hard_frame().iloc[:2]
    task = nl.Classify(["pos", "neg"], text="text", multi=True)
    proj = project(task, df, [{"item": "t0", "annotator": "ana", "value": ["pos", "neg"],
                               "created_at": T0},
                              {"item": "t1", "annotator": "bo", "event": "skip", "created_at": T0}])
    first, second = nl.io.to_prodigy(proj)
    assert first["text"] == HARD[0]
    assert first["options"] == [{"id": "pos", "text": "pos"}, {"id": "neg", "text": "neg"}]
    assert first["accept"] == ["neg", "pos"] and first["answer"] == "accept"
    assert first["config"] == {"choice_style": "multiple"} and first["_view_id"] == "choice"
    assert first["_annotator_id"] == first["_session_id"] == "ana"
    assert first["_timestamp"] == int(T0.timestamp()) and first["meta"] == {"item": "t0"}
    assert second["answer"] == "ignore" and second["accept"] == []


def test_span_examples_carry_tokens_and_inclusive_token_ends():
    df = pd.DataFrame({"text": ["👨‍👩‍👧 Ana visits New York"]})
    task = nl.Spans(["PER", "LOC"], text="text")
    proj = project(task, df, [{"item": 0, "annotator": "ana",
                               "value": [(0, 9, "PER"), (17, 25, "LOC")]}])
    [example] = nl.io.to_prodigy(proj)
    assert [t["text"] for t in example["tokens"]] == ["👨‍👩‍👧", "Ana", "visits", "New", "York"]
    assert example["tokens"][1] == {"text": "Ana", "start": 6, "end": 9, "id": 1, "ws": True}
    assert example["spans"] == [
        {"start": 0, "end": 9, "label": "PER", "token_start": 0, "token_end": 1},
        {"start": 17, "end": 25, "label": "LOC", "token_start": 3, "token_end": 4},
    ]
    assert example["_view_id"] == "ner_manual"


def test_spans_off_the_tokens_are_named_and_tokens_can_be_given():
    df = pd.DataFrame({"text": ["東京で山田さんに会った", "fine text"]})
    task = nl.Spans(["PER", "LOC"], text="text")
    proj = project(task, df, [{"item": 0, "annotator": "ana", "value": [(3, 5, "PER")]},
                              {"item": 1, "annotator": "ana", "value": [(0, 4, "PER")]}])
    with pytest.raises(ValueError, match=r"spans of 1 items do not start and end on Prodigy's "
                                         r"tokens \(item 0: span \(3, 5, 'PER'\) '山田'\)"):
        nl.io.to_prodigy(proj)
    [cjk, _] = nl.io.to_prodigy(proj, tokens=lambda text: [(i, i + 1) for i in range(len(text))
                                                          if not text[i].isspace()])
    assert cjk["spans"] == [{"start": 3, "end": 5, "label": "PER", "token_start": 3,
                             "token_end": 4}]


def test_preferences_are_choices_with_ties_and_all_bad():
    df = pd.DataFrame({"question": ["q 👨‍👩‍👧", "q2", "q3"], "a": ["x", "x2", "x3"],
                       "b": ["y 🇫🇷", "y2", "y3"]})
    task = nl.Rank(["a", "b"], prompt="question")
    rows = [{"item": 0, "annotator": "ana", "value": [["b"], ["a"]]},
            {"item": 1, "annotator": "ana", "value": [["a", "b"]]},
            {"item": 2, "annotator": "ana", "value": [["a", "b"]], "meta": {"all_bad": True}},
            {"item": 0, "annotator": "bo", "event": "skip"}]
    proj = project(task, df, rows)
    examples = nl.io.to_prodigy(proj)
    assert examples[0]["options"] == [{"id": "a", "text": "x"}, {"id": "b", "text": "y 🇫🇷"}]
    assert [(e["answer"], e["accept"]) for e in examples] == [
        ("accept", ["b"]), ("accept", ["a", "b"]), ("reject", []), ("ignore", [])]
    back = nl.io.read_prodigy(examples, task=task)
    assert current(nl.Project(back.df, back.task, store=":memory:").annotations) == []
    assert back.answers["value"].tolist()[:3] == [[["b"], ["a"]], [["a", "b"]], [["a", "b"]]]
    assert back.answers["meta"].tolist()[:3] == [None, None, {"all_bad": True}]
    inferred = nl.io.read_prodigy(examples)
    assert inferred.task == nl.Rank(["a", "b"], prompt="text", ties=True)


def test_rankings_of_three_options_keep_the_preferred_group_with_a_warning():
    df = pd.DataFrame({"a": ["x", "x2"], "b": ["y", "y2"], "c": ["z", "z2"]})
    task = nl.Rank(["a", "b", "c"], rating=(1, 3))
    proj = project(task, df, [{"item": 0, "annotator": "ana", "value": [["c"], ["a"], ["b"]],
                               "meta": {"ratings": {"c": 3}}},
                              {"item": 1, "annotator": "ana", "value": [["a", "b"], ["c"]]}])
    with pytest.warns(UserWarning, match="the order below the preferred option of 1 rankings and "
                                         "the ratings of 1 answers are not written"):
        examples = nl.io.to_prodigy(proj)
    assert [e["accept"] for e in examples] == [["c"], ["a", "b"]]
    back = nl.io.read_prodigy(examples)  # the options' texts differ: a ranking
    assert back.task == nl.Rank(["a", "b", "c"], ties=True, partial=True)
    assert back.answers["value"].tolist() == [[["c"]], [["a", "b"], ["c"]]]


def test_generated_hashes_are_stable_signed_32_bit_integers():
    assert stable_hash({"text": "👨‍👩‍👧"}) == stable_hash({"text": "👨‍👩‍👧"})
    assert stable_hash({"text": "a"}) != stable_hash({"text": "b"})
    assert all(-2**31 <= stable_hash({"text": t}) < 2**31 for t in HARD)
    df = hard_frame().iloc[:1]
    one = project(nl.Classify(["a", "b"], text="text"), df,
                  [{"item": "t0", "annotator": "ana", "value": "a"}])
    two = project(nl.Classify(["a", "b"], text="text"), df,
                  [{"item": "t0", "annotator": "bo", "value": "b"}])
    [first], [second] = nl.io.to_prodigy(one), nl.io.to_prodigy(two)
    assert first["_input_hash"] == second["_input_hash"] == stable_hash({"text": HARD[0]})
    assert first["_task_hash"] == second["_task_hash"]  # the same question, whatever the answer
    spans = project(nl.Spans(["a", "b"], text="text"), df,
                    [{"item": "t0", "annotator": "ana", "value": []}])
    [third] = nl.io.to_prodigy(spans)
    assert third["_input_hash"] == first["_input_hash"] and third["_task_hash"] != first["_task_hash"]


# -- reading Prodigy's own datasets -------------------------------------------------------------
def test_textcat_choice_examples_with_numeric_option_ids():
    options = [{"id": 0, "text": "positive"}, {"id": 1, "text": "negative"}]
    examples = [
        {"text": HARD[0], "options": options, "accept": [1], "answer": "accept",
         "_input_hash": 11, "_task_hash": 21, "_annotator_id": "news-ana", "_timestamp": 1700000000},
        {"text": HARD[0], "options": options, "accept": [0], "answer": "accept", "flagged": True,
         "_input_hash": 11, "_task_hash": 21, "_session_id": "news-bo", "_timestamp": 1700000100},
        {"text": HARD[1], "options": options, "accept": [0], "answer": "reject",
         "_input_hash": 12, "_task_hash": 22, "_annotator_id": "news-ana", "_timestamp": 1700000200},
        {"text": HARD[2], "options": options, "accept": [], "answer": "ignore",
         "_input_hash": 13, "_task_hash": 23, "_annotator_id": "news-ana"},
    ]
    imported = nl.io.read_prodigy(examples)
    assert imported.task == nl.Classify(["positive", "negative"], text="text")
    assert imported.df.index.tolist() == [11, 12, 13]
    assert imported.df["_task_hash"].tolist() == [21, 22, 23]
    rows = imported.answers[["item", "annotator", "event", "value", "flag", "comment", "key"]]
    assert rows.astype(object).where(rows.notna(), None).values.tolist() == [
        [11, "news-ana", "label", "negative", None, None, "prodigy:21:news-ana:1700000000"],
        [11, "news-bo", "label", "positive", "unsure", None, "prodigy:21:news-bo:1700000100"],
        [12, "news-ana", "skip", None, None, "Prodigy: rejected (0)", "prodigy:22:news-ana:1700000200"],
        [13, "news-ana", "skip", None, None, None, "prodigy:23:news-ana:None"],
    ]
    assert imported.answers["created_at"].iloc[0] == pd.Timestamp(1700000000, unit="s", tz="UTC")


def test_binary_examples_give_labels_or_skips():
    examples = [{"text": "a", "label": "SPORT", "answer": "accept", "_annotator_id": "x"},
                {"text": "b", "label": "POLITICS", "answer": "reject", "_annotator_id": "x"}]
    imported = nl.io.read_prodigy(examples)
    assert imported.task == nl.Classify(["POLITICS", "SPORT"], text="text")
    assert imported.answers["value"].tolist()[0] == "SPORT"
    assert imported.answers["comment"].tolist()[1] == "Prodigy: rejected (POLITICS)"


def test_ner_examples_with_token_only_spans_and_checked_texts():
    text = "👨‍👩‍👧 Ana in Oslo"
    tokens = [{"text": w, "start": text.index(w), "end": text.index(w) + len(w), "id": i}
              for i, w in enumerate(["👨‍👩‍👧", "Ana", "in", "Oslo"])]
    examples = [{"text": text, "tokens": tokens, "answer": "accept", "_annotator_id": "a",
                 "spans": [{"token_start": 1, "token_end": 1, "label": "PER"},
                           {"start": 13, "end": 17, "text": "Oslo", "label": "LOC"}]}]
    imported = nl.io.read_prodigy(examples)
    assert imported.task == nl.Spans(["LOC", "PER"], text="text")
    assert imported.answers["value"].tolist() == [[{"start": 6, "end": 9, "label": "PER"},
                                                   {"start": 13, "end": 17, "label": "LOC"}]]
    examples[0]["spans"][1].update(start=16, end=20)  # UTF-16 offsets
    with pytest.raises(ValueError, match=r"example 1: span \(16, 20\) covers 'o' but its text "
                                         r"is 'Oslo'"):
        nl.io.read_prodigy(examples)


def test_compare_examples_are_pairwise_preferences():
    examples = [
        {"id": 0, "input": {"text": "FedEx von Cyberattacke getroffen"},
         "accept": {"text": "FedEx hit by cyberattack"}, "reject": {"text": "FedEx from hit"},
         "mapping": {"A": "accept", "B": "reject"}, "answer": "accept", "_annotator_id": "ana"},
        {"id": 1, "input": {"text": "Guten Tag 👋"}, "accept": {"text": "Hi"},
         "reject": {"text": "Good day 👋"}, "mapping": {"B": "accept", "A": "reject"},
         "answer": "reject", "_annotator_id": "ana"},
    ]
    imported = nl.io.read_prodigy(examples)
    assert imported.task == nl.Rank(["A", "B"], prompt="input", ties=False)
    assert imported.df.to_dict("records")[1] == {"input": "Guten Tag 👋", "A": "Good day 👋",
                                                 "B": "Hi"}
    assert imported.answers["value"].tolist() == [[["A"], ["B"]], [["A"], ["B"]]]


def test_examples_nblabel_cannot_read_are_named():
    with pytest.raises(ValueError, match="example 1 has answer None"):
        nl.io.read_prodigy([{"text": "x", "label": "A"}])
    with pytest.raises(ValueError, match="no question nblabel reads"):
        nl.io.read_prodigy([{"text": "x", "answer": "accept"}])
    with pytest.raises(ValueError, match="example 1 has neither _annotator_id nor _session_id"):
        nl.io.read_prodigy([{"text": "x", "label": "A", "answer": "accept"}])
    assert nl.io.read_prodigy([{"text": "x", "label": "A", "answer": "accept"}],
                              annotator="ana").answers["annotator"].tolist() == ["ana"]
    single = [{"text": "x", "options": [{"id": "A"}, {"id": "B"}], "accept": ["A", "B"],
               "answer": "accept", "_annotator_id": "a"}]
    with pytest.raises(ValueError, match="example 1: a single-label answer accepts one option"):
        nl.io.read_prodigy(single, task=nl.Classify(["A", "B"], text="text"))


def test_from_prodigy_builds_a_project(tmp_path):
    examples = [{"text": t, "label": "OK", "answer": "accept", "_annotator_id": "ana",
                 "_timestamp": 1700000000 + i} for i, t in enumerate(HARD)]
    proj = nl.Project.from_prodigy(examples, store=tmp_path / "p.db", name="prodigy")
    assert proj.labels().tolist() == ["OK"] * len(HARD)
    proj.close()
    with pytest.raises(TypeError, match=r"unexpected keyword argument\(s\) \['annotators'\]"):
        nl.Project.from_prodigy(examples, annotators="x")
