"""The same store behaviour on SQLite and on a real PostgreSQL server."""

import multiprocessing

import pandas as pd
import pytest
import sqlalchemy as sa

import nblabel as nl
from nblabel.store import NewEvent, Store


def _event(item="1", annotator="ana", value="pos", event="label"):
    return NewEvent(item, annotator, event, value, source="human")


def test_round_trip(store_url, task):
    store = Store(store_url)
    pid = store.open_project("p", task)
    ids = store.append(pid, [_event(value=["a", "ü 😀"]), _event(item='{"ts": "2024-01-01T00:00:00"}', value=None, event="skip")])
    rows = store.read(pid)
    assert [r.id for r in rows] == ids and ids[1] > ids[0]
    assert rows[0].value == ["a", "ü 😀"] and rows[1].item == '{"ts": "2024-01-01T00:00:00"}'
    assert store.read(pid, after=ids[0]) == rows[1:]
    assert store.open_project("p", task) == pid
    store.append(pid, [_event(value=task.labels[0])])  # an answer that uses a stored label
    with pytest.raises(nl.TaskMismatchError):
        store.open_project("p", nl.Classify(["other"], text="text"))
    store.close()


def test_project_resumes_on_both_engines(store_url, texts, task):
    first = nl.Project(texts, task, store=store_url, name="demo")
    first.add("t0", "pos", annotator="ana", comment="שלום")
    first.skip("t1", annotator="ana")
    first.close()
    again = nl.Project(texts, task, store=store_url, name="demo")
    assert again.annotations[["item", "event", "value", "comment"]].values.tolist() == [
        ["t0", "label", "pos", "שלום"], ["t1", "skip", None, None],
    ]
    again.close()


def test_password_is_never_shown(postgres_url):
    store = Store(postgres_url)
    password = sa.engine.make_url(postgres_url).password
    assert password and f":{password}@" not in store.url and f":{password}@" not in repr(store)
    assert ":***@" in store.url
    store.close()


def test_credentials_from_pg_environment(postgres_url, monkeypatch, task):
    url = sa.engine.make_url(postgres_url)
    for name, value in {"PGHOST": url.host, "PGPORT": str(url.port or 5432), "PGUSER": url.username, "PGPASSWORD": url.password, "PGDATABASE": url.database}.items():
        monkeypatch.setenv(name, value)
    bare = postgres_url.split("://")[0] + ":///?" + postgres_url.split("?", 1)[1]
    store = Store(bare)
    assert f":{url.password}@" not in store.url
    store.open_project("env", task)
    assert store.projects() == ["env"]
    store.close()


def test_unreachable_server_gives_a_clear_error():
    with pytest.raises(nl.StoreError, match="the store postgresql"):
        Store("postgresql+psycopg://nobody:secret@127.0.0.1:1/nothing?connect_timeout=2")


@pytest.mark.parametrize(
    "url", ["postgresql+psycopg://ana:s3cret@db:notaport/labels", "postgresq://ana:s3cret@db/labels", "postgresql+psycopg://ana:s3cret@127.0.0.1:1/x?connect_timeout=2"]
)
def test_bad_urls_are_explained_without_the_password(url):
    with pytest.raises(nl.StoreError) as caught:
        Store(url)
    shown = "".join(str(e) for e in (caught.value, caught.value.__cause__, caught.value.__context__) if e)
    assert "s3cret" not in shown and "ana:***@" in str(caught.value)


def _writer(url, name, count):
    store = Store(url)
    pid = store.open_project("shared", nl.Classify(["a", "b"], text="t"))
    for i in range(count):
        store.append(pid, [_event(item=str(i), annotator=name, value="a")])
    store.close()


def test_a_reader_following_concurrent_writers_misses_nothing(store_url):
    """Events become visible in id order, so reading "after the last id seen" is complete."""
    ctx = multiprocessing.get_context("spawn")
    store = Store(store_url)
    pid = store.open_project("shared", nl.Classify(["a", "b"], text="t"))
    workers = [ctx.Process(target=_writer, args=(store_url, f"w{i}", 150)) for i in range(4)]
    for w in workers:
        w.start()
    seen, last = [], 0
    while any(w.is_alive() for w in workers) or len(seen) < 600:
        rows = store.read(pid, after=last)
        seen += [r.id for r in rows]
        last = seen[-1] if seen else 0
        if not rows and not any(w.is_alive() for w in workers):
            break
    for w in workers:
        w.join(180)
        assert w.exitcode == 0
    assert seen == [r.id for r in store.read(pid)] and len(seen) == 600
    store.close()


def test_concurrent_writers(store_url):
    ctx = multiprocessing.get_context("spawn")
    workers = [ctx.Process(target=_writer, args=(store_url, f"w{i}", 100)) for i in range(4)]
    for w in workers:
        w.start()
    for w in workers:
        w.join(180)
        assert w.exitcode == 0
    store = Store(store_url)
    rows = store.read(store.open_project("shared", nl.Classify(["a", "b"], text="t")))
    assert len(rows) == 400
    assert pd.Series([r.annotator for r in rows]).value_counts().to_dict() == {f"w{i}": 100 for i in range(4)}
    store.close()
