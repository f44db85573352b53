"""Label Studio exchange without a server: configs, writing, reading, round trips through files.

The round trips with a real server are in test_label_studio_server.py.
"""

from __future__ import annotations

import json

import pandas as pd
import pytest

import nblabel as nl
from nblabel.io.label_studio_tags import read_config

HARD = [
    "👨‍👩‍👧 Ana visits Paris",
    "🇫🇷 France et 🇩🇪 Allemagne",
    "café vs cafe\u0301 in Zürich",
    "東京で山田さんに会った",
    "שלום Dana, מה נשמע",
    "Line one\r\nAna in Oslo\r\n",
    "👍🏽 Bob",
]
WORDS = [("👨‍👩‍👧 Ana", "PER"), ("Paris", "LOC"), ("🇩🇪 Allemagne", "LOC"), ("cafe\u0301", "PER"),
         ("Zürich", "LOC"), ("東京", "LOC"), ("山田", "PER"), ("Dana", "PER"), ("Oslo", "LOC"),
         ("👍🏽 Bob", "PER")]
T0 = pd.Timestamp("2024-05-01 08:30:00.654321", tz="UTC")


def spans_of(text):
    found = []
    for word, label in WORDS:
        if word in text:
            start = text.index(word)
            found.append({"start": start, "end": start + len(word), "label": label})
    return found


def labelled(task, df, rows, store=":memory:"):
    proj = nl.Project(df, task, store=store)
    proj.add_many(pd.DataFrame(rows))
    return proj


def current(events):
    events = events[events["event"] != "suggest"].sort_values("event_id")
    latest = events.drop_duplicates(["item", "annotator"], keep="last")
    return sorted(
        (row.item, row.annotator, row.event, json.dumps(row.value, ensure_ascii=False),
         row.created_at, None if pd.isna(row.duration_ms) else int(row.duration_ms),
         json.dumps({k: v for k, v in (row.meta or {}).items()
                     if k not in ("import_key", "imported_us")}, sort_keys=True))
        for row in latest.itertuples()
    )


def suggested(events):
    shown = events[events["event"] == "suggest"]
    return sorted((row.item, row.annotator, json.dumps(row.value), row.meta["version"],
                   row.meta.get("confidence")) for row in shown.itertuples())


# -- configs ------------------------------------------------------------------------------------
def test_configs_ask_what_each_task_asks():
    multi = nl.io.label_studio_config(nl.Classify(["a", "b"], text="text", multi=True))
    assert 'choice="multiple"' in multi
    spans = nl.io.label_studio_config(nl.Spans(["PER", "LOC"], text="sentence"))
    assert spans.splitlines() == [
        "<View>",
        '  <Labels name="label" toName="sentence">',
        '    <Label value="PER" hotkey="1" />',
        '    <Label value="LOC" hotkey="2" />',
        "  </Labels>",
        '  <Text name="sentence" value="$sentence" />',
        "</View>",
    ]
    pairwise = nl.io.label_studio_config(nl.Rank(["a", "b"], prompt="q", rating=(1, 3)))
    assert '<Pairwise name="preference" toName="a,b" />' in pairwise
    assert '<Choices name="preference_verdict" toName="a"' in pairwise
    assert '<Choices name="preference_rating_b" toName="b"' in pairwise
    strict = nl.io.label_studio_config(nl.Rank(["a", "b"], ties=False))
    assert "verdict" not in strict
    ranker = nl.io.label_studio_config(nl.Rank(["a", "b", "c"], prompt="q", ties=False))
    assert '<List name="candidates" value="$candidates"' in ranker
    assert '<Ranker name="ranking" toName="candidates" />' in ranker
    fields = nl.io.label_studio_config(nl.Classify(["x"], fields={"Title": "title", "Body": "body"}))
    assert '<Header value="Title" />' in fields and '<Text name="body" value="$body" />' in fields
    image = nl.io.label_studio_config(nl.Classify(["cat", "dog"], image="photo"))
    assert '<Image name="photo" value="$photo" />' in image


def test_labels_and_names_are_escaped_not_markup():
    task = nl.Classify(['<b>"x"</b> & y', "z"], text="text")
    config = nl.io.label_studio_config(task)
    assert "&lt;b&gt;&quot;x&quot;&lt;/b&gt; &amp; y" in config
    assert read_config(config).task() == nl.Classify(['<b>"x"</b> & y', "z"], text="text")


@pytest.mark.parametrize("task", [
    nl.Classify(["pos", "neg", "neutral"], text="review"),
    nl.Classify(["a", "b"], text="text", multi=True),
    nl.Classify(["x", "y"], fields={"Title": "title", "Body": "body"}),
    nl.Classify(["cat", "dog"], image="photo"),
    nl.Spans(["PER", "LOC"], text="text"),
    nl.Rank(["answer_a", "answer_b"], prompt="question", rating=(1, 5)),
    nl.Rank(["a", "b"], ties=False, rating=["bad", "ok", "good"]),
])
def test_a_config_reads_back_as_its_task(task):
    assert read_config(nl.io.label_studio_config(task)).task() == task


def test_a_ranker_reads_back_with_its_options_and_no_ties():
    with pytest.warns(UserWarning, match="allows ties and partial rankings, which Label Studio's "
                                         "Ranker cannot hold"):
        config = nl.io.label_studio_config(nl.Rank(["a", "b", "c"], prompt="q", partial=True))
    layout = read_config(config)
    assert layout.task(options=["a", "b", "c"]) == nl.Rank(["a", "b", "c"], prompt="q", ties=False)


def test_columns_label_studio_cannot_name_are_refused():
    with pytest.raises(ValueError, match=r"'review text' cannot be a Label Studio data field.*"
                                         r"'review_text'"):
        nl.io.label_studio_config(nl.Classify(["a"], text="review text"))


def test_several_answer_controls_need_from_name():
    config = """<View><Text name="t" value="$text"/>
      <Choices name="sentiment" toName="t"><Choice value="pos"/><Choice value="neg"/></Choices>
      <Choices name="topic" toName="t" choice="multiple"><Choice value="sport"/></Choices>
    </View>"""
    with pytest.raises(ValueError, match=r"several controls.*\['sentiment', 'topic'\].*from_name"):
        read_config(config)
    assert read_config(config, "topic").task() == nl.Classify(["sport"], text="text", multi=True)
    with pytest.raises(ValueError, match="from_name='nope' is not a control"):
        read_config(config, "nope")


def test_configs_nblabel_cannot_read_are_named():
    with pytest.raises(ValueError, match="not valid XML"):
        read_config("<View><Text")
    with pytest.raises(ValueError, match="no control nblabel can read"):
        read_config('<View><Text name="t" value="$t"/><TextArea name="x" toName="t"/></View>')
    with pytest.raises(ValueError, match="spans on a <Text> only"):
        read_config('<View><HyperText name="h" value="$h"/>'
                    '<Labels name="l" toName="h"><Label value="A"/></Labels></View>')


# -- round trips through a file -------------------------------------------------------------------
def hard_frame():
    return pd.DataFrame({"text": HARD}, index=[f"t{i}" for i in range(len(HARD))])


def rows_for(values, other):
    rows = []
    for number, (item, value) in enumerate(values.items()):
        rows.append({"item": item, "annotator": "ana", "value": value, "duration_ms": 900 + number,
                     "created_at": T0 + pd.Timedelta(seconds=number)})
        if number % 3 == 0:
            rows.append({"item": item, "annotator": "bo", "event": "skip",
                         "created_at": T0 + pd.Timedelta(minutes=1, seconds=number)})
        else:
            rows.append({"item": item, "annotator": "bo", "value": other(item, value),
                         "duration_ms": 1500, "created_at": T0 + pd.Timedelta(minutes=2)})
    return rows


@pytest.mark.parametrize("kind", ["single", "multi", "spans"])
def test_round_trip_through_a_json_file_keeps_everything(tmp_path, kind):
    df = hard_frame()
    if kind == "spans":
        task = nl.Spans(["PER", "LOC"], text="text")
        values = {item: spans_of(text) for item, text in df["text"].items()}
        rows = rows_for(values, lambda item, value: value[:1])
    else:
        task = nl.Classify(["pos", "neg", "neutral"], text="text", multi=kind == "multi")
        cycle = [["pos", "neg"], [], ["neutral"]] if kind == "multi" else ["pos", "neg", "neutral"]
        values = {item: cycle[n % 3] for n, item in enumerate(df.index)}
        rows = rows_for(values, lambda item, value: cycle[(cycle.index(value) + 1) % 3])
    proj = labelled(task, df, rows)
    proj.prelabel(lambda batch: [{"value": values[item], "confidence": 0.5} for item in batch.index],
                  name="llm", version="v2", progress=False)
    path = tmp_path / "tasks.json"
    tasks = nl.io.to_label_studio(proj, path, annotators={"ana": "ana@example.org"})
    assert json.loads(path.read_text(encoding="utf-8")) == tasks
    assert "\\u" not in path.read_text(encoding="utf-8")  # characters are written as they are
    back = nl.Project.from_label_studio(path, config=nl.io.label_studio_config(task),
                                        annotators={"ana@example.org": "ana"},
                                        store=tmp_path / "back.db")
    assert back.task == task
    assert back.df["text"].tolist() == HARD and back.df.index.tolist() == df.index.tolist()
    assert current(back.annotations) == current(proj.annotations)
    assert suggested(back.annotations) == suggested(proj.annotations)
    back.close()


def test_span_results_carry_code_point_offsets_and_their_text():
    df = hard_frame()
    task = nl.Spans(["PER", "LOC"], text="text")
    proj = labelled(task, df, [{"item": i, "annotator": "ana", "value": spans_of(t)}
                               for i, t in df["text"].items()])
    for record in nl.io.to_label_studio(proj):
        text = record["data"]["text"]
        regions = record["annotations"][0]["result"]
        assert [r["value"]["text"] for r in regions] == [text[s["start"]:s["end"]]
                                                         for s in spans_of(text)]
        assert all(r["type"] == "labels" and r["to_name"] == "text" for r in regions)


def test_rankings_round_trip_with_ties_verdicts_and_ratings(tmp_path):
    df = pd.DataFrame({"question": HARD[:4], "answer_a": HARD[1:5], "answer_b": HARD[2:6]})
    task = nl.Rank(["answer_a", "answer_b"], prompt="question", rating=(1, 5))
    rows = [
        {"item": 0, "annotator": "ana", "value": [["answer_b"], ["answer_a"]],
         "meta": {"ratings": {"answer_a": 1, "answer_b": 5}}},
        {"item": 1, "annotator": "ana", "value": [["answer_a", "answer_b"]]},
        {"item": 2, "annotator": "ana", "value": [["answer_a", "answer_b"]],
         "meta": {"all_bad": True}},
        {"item": 3, "annotator": "ana", "value": [["answer_a"], ["answer_b"]]},
    ]
    proj = labelled(task, df, rows)
    tasks = nl.io.to_label_studio(proj)
    assert tasks[0]["annotations"][0]["result"][0]["value"] == {"selected": "right"}
    assert tasks[1]["annotations"][0]["result"][0]["value"] == {"choices": ["tie"]}
    assert tasks[2]["annotations"][0]["result"][0]["value"] == {"choices": ["all bad"]}
    back = nl.Project.from_label_studio(tasks, config=nl.io.label_studio_config(task),
                                        store=":memory:")
    assert back.task == task
    assert current(back.annotations) == current(proj.annotations)


def test_rankings_of_three_options_use_a_ranker_and_refuse_ties(tmp_path):
    df = pd.DataFrame({"a": ["x", "x2"], "b": ["y", "y2"], "c": ["👨‍👩‍👧", "z2"]})
    task = nl.Rank(["a", "b", "c"], ties=False)
    proj = labelled(task, df, [{"item": 0, "annotator": "ana", "value": [["c"], ["a"], ["b"]]}])
    [record, _] = nl.io.to_label_studio(proj)
    assert record["data"]["candidates"][2] == {"id": "c", "title": "c", "body": "👨‍👩‍👧"}
    assert record["annotations"][0]["result"][0]["value"] == {"ranker": {"ranking": ["c", "a", "b"]}}
    back = nl.io.read_label_studio([record], config=nl.io.label_studio_config(task))
    assert back.task == task and back.df.columns.tolist() == ["a", "b", "c"]
    assert back.answers["value"].tolist() == [[["c"], ["a"], ["b"]]]

    tied = labelled(nl.Rank(["a", "b", "c"]), df, [
        {"item": 1, "annotator": "ana", "value": [["a", "b"], ["c"]]}])
    with pytest.raises(ValueError, match=r"Ranker orders every option strictly.*items \[1\]"):
        nl.io.to_label_studio(tied)


def test_model_answers_and_column_pre_labels_are_predictions():
    df = pd.DataFrame({"text": HARD[:2], "pre": ["pos", None], "p": [0.8, None]})
    task = nl.Classify(["pos", "neg"], text="text", suggest="pre", suggest_confidence="p")
    proj = labelled(task, df, [{"item": 1, "annotator": "clf", "value": "neg", "source": "model"}])
    first, second = nl.io.to_label_studio(proj)
    assert first["predictions"] == [{"model_version": "column:pre", "score": 0.8, "result": [
        {"from_name": "label", "to_name": "text", "type": "choices", "value": {"choices": ["pos"]}}
    ]}]
    assert second["annotations"] == []
    assert [p["model_version"] for p in second["predictions"]] == ["clf"]


def test_an_image_column_must_hold_urls():
    df = pd.DataFrame({"photo": [b"\x89PNG"]})
    proj = nl.Project(df, nl.Classify(["cat"], image="photo"), store=":memory:")
    with pytest.raises(ValueError, match="opens images by URL"):
        nl.io.to_label_studio(proj)


# -- reading Label Studio's own exports ---------------------------------------------------------
CONFIG = """<View>
  <Text name="text" value="$text"/>
  <Choices name="sentiment" toName="text" choice="single">
    <Choice value="pos"/><Choice value="neg"/>
  </Choices>
  <TextArea name="note" toName="text"/>
</View>"""


def export_task(id_, text, annotations, predictions=(), drafts=()):
    return {"id": id_, "data": {"text": text, "source": "web"}, "annotations": list(annotations),
            "predictions": list(predictions), "drafts": list(drafts), "meta": {}}


def choice(value, name="sentiment"):
    return {"from_name": name, "to_name": "text", "type": "choices", "value": {"choices": [value]}}


def test_a_label_studio_export_reads_as_items_answers_and_suggestions():
    tasks = [
        export_task(11, HARD[0], [
            {"id": 1, "unique_id": "u-1", "completed_by": {"id": 2, "email": "ana@x.org"},
             "result": [choice("pos")], "was_cancelled": False, "ground_truth": True,
             "created_at": "2024-01-02T03:04:05.123456Z", "lead_time": 2.5},
            {"id": 2, "completed_by": 7, "result": [choice("neg")], "was_cancelled": True,
             "created_at": "2024-01-02T03:05:00Z"},
        ], predictions=[{"model_version": "gpt@2024-05", "score": 0.75, "result": [choice("neg")]},
                        {"model_version": "rules", "score": 3.5, "result": [choice("pos")]}],
            drafts=[{"result": [choice("neg")], "user": "ana@x.org"}]),
        export_task(12, HARD[3], [
            {"id": 3, "completed_by": {"id": 2, "email": "ana@x.org"}, "lead_time": 1,
             "result": [{"from_name": "note", "to_name": "text", "type": "textarea",
                         "value": {"text": ["hm"]}}], "created_at": "2024-01-02T03:06:00Z"},
        ]),
    ]
    with pytest.warns(UserWarning, match=r"1 annotations hold no answer for control 'sentiment'"):
        imported = nl.io.read_label_studio(tasks, config=CONFIG, annotators={7: "bo"})
    assert imported.task == nl.Classify(["pos", "neg"], text="text")
    assert imported.df.index.tolist() == [11, 12]
    assert imported.df.columns.tolist() == ["text", "source"]
    answers = imported.answers
    assert answers[["item", "annotator", "event", "value", "duration_ms", "source", "key"]
                   ].astype(object).where(answers.notna(), None).values.tolist() == [
        [11, "ana@x.org", "label", "pos", 2500, "human", "label-studio:u-1"],
        [11, "bo", "skip", None, None, "human", "label-studio:2"],
    ]
    assert answers["created_at"].iloc[0] == pd.Timestamp("2024-01-02 03:04:05.123456", tz="UTC")
    assert imported.suggestions.values.tolist() == [
        [11, "gpt", "2024-05", "neg", 0.75],
        [11, "rules", None, "pos", None],  # a score outside [0, 1] is no confidence
    ]


def test_predictions_listed_by_id_are_named_not_read():
    tasks = [export_task(1, "x", [], predictions=[5, 6])]
    with pytest.warns(UserWarning, match="predictions of 1 tasks are listed by id only"):
        imported = nl.io.read_label_studio(tasks, config=CONFIG)
    assert imported.suggestions.empty and imported.answers.empty


def test_offsets_that_are_not_code_points_are_refused():
    text = "👨‍👩‍👧 Ana and Bo"  # the family is 5 code points, 8 UTF-16 units
    utf16 = {"from_name": "label", "to_name": "text", "type": "labels",
             "value": {"start": 9, "end": 12, "text": "Ana", "labels": ["PER"]}}
    tasks = [export_task(1, text, [{"id": 4, "completed_by": 1, "result": [utf16]}])]
    with pytest.raises(ValueError, match=r"task 1 annotation 4: the span \(9, 12\) covers ' an' "
                                         "but its text is 'Ana'.*code points"):
        nl.io.read_label_studio(tasks, task=nl.Spans(["PER"], text="text"))


def test_a_task_without_config_reads_results_of_its_kind_whatever_their_name():
    tasks = [export_task(1, "x", [{"completed_by": 1, "result": [choice("neg")]}])]
    imported = nl.io.read_label_studio(tasks, task=nl.Classify(["pos", "neg"], text="text"))
    assert imported.answers["value"].tolist() == ["neg"]
    with pytest.raises(ValueError, match="pass config="):
        nl.io.read_label_studio(tasks)
    two = [export_task(1, "x", [{"completed_by": 1, "result": [choice("neg"), choice("pos", "b")]}])]
    with pytest.raises(ValueError, match=r"several controls, \['b', 'sentiment'\]"):
        nl.io.read_label_studio(two, task=nl.Classify(["pos", "neg"], text="text"))


def test_answers_the_task_refuses_name_the_task_and_annotation():
    tasks = [export_task(5, "x", [{"id": 9, "completed_by": 1, "result": [choice("maybe")]}])]
    with pytest.raises(ValueError, match=r"task 5 annotation 9: 'maybe' is not a label"):
        nl.io.read_label_studio(tasks, config=CONFIG)


def test_spans_that_overlap_give_a_task_that_allows_them():
    text = "New York City"
    regions = [{"from_name": "label", "to_name": "text", "type": "labels",
                "value": {"start": s, "end": e, "text": text[s:e], "labels": [label]}}
               for s, e, label in [(0, 8, "LOC"), (4, 13, "LOC"), (0, 13, "ORG")]]
    config = nl.io.label_studio_config(nl.Spans(["LOC", "ORG"], text="text"))
    imported = nl.io.read_label_studio(
        [export_task(1, text, [{"completed_by": 1, "result": regions}])], config=config)
    assert imported.task == nl.Spans(["LOC", "ORG"], text="text", overlap=True)


def test_importing_the_same_export_again_adds_nothing(tmp_path):
    tasks = [export_task(1, "x", [{"id": 1, "unique_id": "a", "completed_by": 1,
                                   "result": [choice("pos")]}])]
    options = {"config": CONFIG, "store": tmp_path / "p.db", "name": "ls"}
    first = nl.Project.from_label_studio(tasks, **options)
    first.close()
    again = nl.Project.from_label_studio(tasks, **options)
    assert len(again.annotations) == 1
    again.close()


def test_from_label_studio_checks_its_options():
    with pytest.raises(TypeError, match=r"unexpected keyword argument\(s\) \['configs'\]"):
        nl.Project.from_label_studio([], configs=CONFIG)
    with pytest.raises(ValueError, match="has no tasks"):
        nl.Project.from_label_studio([], config=CONFIG)
    with pytest.raises(FileNotFoundError, match="no Label Studio file"):
        nl.Project.from_label_studio("missing.json", config=CONFIG)


def test_docstring_examples():
    import doctest

    import nblabel.io.label_studio_tags

    results = doctest.testmod(nblabel.io.label_studio_tags, extraglobs={"nl": nl})
    assert results.attempted > 0 and results.failed == 0
