import multiprocessing
import os
import sqlite3
import subprocess
import sys
import textwrap

import pytest
import sqlalchemy as sa

import nblabel as nl
from nblabel.store import (
    EVENT_COLUMNS,
    SCHEMA_VERSION,
    GuidelineVersion,
    NewEvent,
    Store,
    StoredEvent,
    StoreError,
)


def _event(item="1", annotator="ana", value="pos", event="label"):
    return NewEvent(item, annotator, event, value, source="human")


def test_append_and_read_back(store_path, task):
    store = Store(store_path)
    pid = store.open_project("p", task)
    ids = store.append(pid, [_event(value=["a", "ü"]), _event(item='"x"', value=None, event="skip")._replace(meta={"k": 1}, created_us=7)])
    rows = store.read(pid)
    assert all(type(r) is StoredEvent for r in rows)
    assert [r.id for r in rows] == ids
    assert rows[0].value == ["a", "ü"] and rows[0].meta is None and rows[0].created_us > 7
    assert rows[1].event == "skip" and rows[1].value is None and rows[1].meta == {"k": 1} and rows[1].created_us == 7
    assert rows[1][3] == "skip" and rows[1][4] is None, "index access keeps working"
    assert store.read(pid, after=ids[0]) == rows[1:]
    store.close()


def test_records_are_named_in_the_order_of_the_columns():
    assert StoredEvent._fields == EVENT_COLUMNS
    assert NewEvent._fields == (
        "item", "annotator", "event", "value", "flag", "comment", "source", "guideline", "duration_ms", "meta", "created_us",
    )
    assert set(NewEvent._fields) == set(EVENT_COLUMNS) - {"id"}
    new = NewEvent("1", "ana", "label", "pos", source="human", created_us=5)
    assert StoredEvent(id=3, **new._asdict()) == (3, "1", "ana", "label", "pos", None, None, "human", None, 5, None, None)


def test_sqlite_file_is_wal_with_full_sync(store_path, task):
    store = Store(store_path)
    store.open_project("p", task)
    with store.engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA synchronous").scalar() == 2  # FULL
        assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() >= 10_000
    store.close()


def test_schema_version_is_recorded_and_newer_files_are_refused(store_path):
    Store(store_path).close()
    with sqlite3.connect(store_path) as conn:
        assert conn.execute("select value from nblabel_meta where key='schema_version'").fetchone() == (str(SCHEMA_VERSION),)
        conn.execute("update nblabel_meta set value='99' where key='schema_version'")
    with pytest.raises(StoreError, match="newer nblabel"):
        Store(store_path)


def test_projects_are_separate(store_path, task):
    store = Store(store_path)
    a, b = store.open_project("a", task), store.open_project("b", task)
    store.append(a, [_event()])
    assert store.read(b) == []
    assert store.projects() == ["a", "b"]
    assert store.open_project("a", task) == a
    store.close()


def test_task_changes_are_checked(store_path, task):
    store = Store(store_path)
    pid = store.open_project("p", task)
    bigger = nl.Classify([*task.labels, "mixed"], text="text")
    assert store.open_project("p", bigger) == pid
    # Another kernel added "mixed", but no answer uses it: the original task still opens.
    assert store.open_project("p", task) == pid
    store.append(pid, [NewEvent(item="1", annotator="ana", event="label", value="mixed", source="human")])
    with pytest.raises(nl.TaskMismatchError, match=r"\['mixed'\].*stored answers use them"):
        store.open_project("p", task)
    store.close()


def test_guideline_texts_are_kept(store_path):
    store = Store(store_path)
    v1 = nl.Classify(["a"], text="t", guidelines="first")
    pid = store.open_project("p", v1)
    store.open_project("p", nl.Classify(["a"], text="t", guidelines="second"))
    store.open_project("p", v1)
    versions = store.guidelines(pid)
    assert all(type(g) is GuidelineVersion for g in versions)
    assert [(g.version, g.text, g.name) for g in versions] == [
        (v1.guideline_version, "first", None),
        (nl.Classify(["a"], text="t", guidelines="second").guideline_version, "second", None),
    ]
    assert versions[0].created_us <= versions[1].created_us
    store.record_guideline(pid, v1.guideline_version, "first", "round 1")  # a name is added once
    store.record_guideline(pid, v1.guideline_version, "first", "renamed")
    assert store.guidelines(pid)[0].name == "round 1"
    store.close()


def test_memory_store():
    store = Store(":memory:")
    pid = store.open_project("p", nl.Classify(["a"], text="t"))
    store.append(pid, [_event()])
    assert len(store.read(pid)) == 1
    assert Store("sqlite://").url == "sqlite://"


def test_sqlite_url_is_accepted(tmp_path, task):
    store = Store(f"sqlite:///{tmp_path / 'x.db'}")
    store.open_project("p", task)
    assert (tmp_path / "x.db").exists()
    store.close()


def test_missing_directory(tmp_path):
    with pytest.raises(StoreError, match="does not exist. Create it first"):
        Store(tmp_path / "nope" / "labels.db")


def test_directory_as_store(tmp_path):
    with pytest.raises(StoreError, match="is a directory"):
        Store(tmp_path)


def test_corrupted_file(tmp_path):
    path = tmp_path / "broken.db"
    path.write_bytes(b"this is not sqlite" * 100)
    with pytest.raises(StoreError, match="not a readable nblabel store.*move it aside"):
        Store(path)
    assert path.read_bytes() == b"this is not sqlite" * 100, "a damaged file is never overwritten"


def test_bad_store_arguments():
    with pytest.raises(TypeError, match="store must be"):
        Store(3)
    with pytest.raises(StoreError, match="not installed|not a database URL"):
        Store("nosuchdb+nodriver://x/y")


@pytest.mark.parametrize(
    ("call", "error", "message"),
    [
        (lambda s, pid: s.open_project("", nl.Classify(["a"], text="t")), ValueError, "project name must be a non-empty string"),
        (lambda s, pid: s.open_project("p", {"labels": ["a"]}), TypeError, "task must be an nblabel task"),
        (lambda s, pid: s.append(pid, [_event(event="deleted")]), ValueError, "event='deleted' is not one of"),
        (lambda s, pid: s.append(pid, [_event()._replace(source="robot")]), ValueError, "source='robot' is not one of"),
        (lambda s, pid: s.append(pid, [NewEvent("1", "ana", "label", "pos")]), ValueError, "source=None is not one of"),
        (lambda s, pid: s.append(pid, [_event(annotator="")]), ValueError, "annotator must be a non-empty name"),
        (lambda s, pid: s.append(pid, [_event(item=3)]), ValueError, "item must be a non-empty string"),
        (lambda s, pid: s.append(pid, ["label"]), TypeError, "an event is a NewEvent"),
        (lambda s, pid: s.append(pid, [_event()._asdict()]), TypeError, "an event is a NewEvent"),
        (lambda s, pid: s.append(pid, [_event(), ("1", "ana", "label")]), TypeError, "an event is a NewEvent"),
        (lambda s, pid: s.append(pid, _event()), TypeError, "put a single event in a list"),
        (lambda s, pid: s.append(pid, [_event()], overlap=0, lease_us=10), ValueError, "overlap must be a positive"),
        (lambda s, pid: s.append(pid, [_event()], overlap=2), ValueError, "lease_us must be a positive"),
        (lambda s, pid: s.claim(pid, ["1"], "ana", 2, lease_us=-1), ValueError, "lease_us must be a positive"),
        (lambda s, pid: s.claim(pid, ["1"], "ana", 1.5, lease_us=10), ValueError, "overlap must be a positive"),
        (lambda s, pid: s.renew(pid, ["1"], "ana", 0), ValueError, "lease_us must be a positive"),
    ],
)
def test_bad_calls_are_refused_and_nothing_is_stored(store_path, task, call, error, message):
    store = Store(store_path)
    pid = store.open_project("p", task)
    with pytest.raises(error, match=message):
        call(store, pid)
    assert store.read(pid) == [] and store.projects() == ["p"]
    store.close()


_READ_ONLY_SCRIPT = textwrap.dedent(
    """
    import sys
    from nblabel.store import Store, StoreError
    try:
        Store(sys.argv[1])
    except StoreError as error:
        print("StoreError:", error)
    else:
        print("opened")
    """
)


def test_read_only_directory(tmp_path):
    folder = tmp_path / "ro"
    folder.mkdir()
    os.chmod(folder, 0o555)
    os.chmod(tmp_path, 0o755)
    command = [sys.executable, "-c", _READ_ONLY_SCRIPT, str(folder / "labels.db")]
    if os.geteuid() == 0:  # root ignores permission bits unless it loses these capabilities
        command = ["setpriv", "--bounding-set=-dac_override,-dac_read_search,-fowner", *command]
    try:
        result = subprocess.run(command, capture_output=True, text=True, timeout=60)
    finally:
        os.chmod(folder, 0o755)
    assert "StoreError:" in result.stdout, result.stdout + result.stderr
    assert "read-only" in result.stdout
    assert not (folder / "labels.db").exists()


def _writer(path, name, count):
    store = Store(path)
    pid = store.open_project("shared", nl.Classify(["a", "b"], text="t"))
    for i in range(count):
        store.append(pid, [_event(item=str(i), annotator=name, value="a")])
    store.close()


def test_two_processes_write_one_file(store_path):
    ctx = multiprocessing.get_context("spawn")
    workers = [ctx.Process(target=_writer, args=(store_path, f"w{i}", 150)) for i in range(2)]
    for w in workers:
        w.start()
    for w in workers:
        w.join(120)
        assert w.exitcode == 0
    store = Store(store_path)
    rows = store.read(store.open_project("shared", nl.Classify(["a", "b"], text="t")))
    assert len(rows) == 300
    assert sorted({r.annotator for r in rows}) == ["w0", "w1"]
    assert [r.id for r in rows] == sorted(r.id for r in rows)
    store.close()


def test_engine_can_be_passed(task):
    engine = sa.create_engine("sqlite://")
    store = Store(engine)
    assert store.open_project("p", task) == 1
