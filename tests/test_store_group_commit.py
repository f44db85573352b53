"""Group commit: concurrent writers of one store share transactions, each keeping its own result.

What must hold whatever the grouping: an acknowledged event is on disk (a killed kernel loses
none), every writer's ids increase in the order it was answered, a reader following the log by
"after the last id seen" never misses an event that shows up later, and a write the store
refuses fails alone (its writer gets its own error; the rest of its group is committed).
"""

from __future__ import annotations

import multiprocessing
import queue
import sqlite3
import subprocess
import sys
import threading
import time
from collections.abc import Callable

import pandas as pd
import pytest
import sqlalchemy as sa
from test_admin_postgres import team  # noqa: F401  (the fixture: a team in a fresh schema)

import nblabel as nl
from nblabel.store import (
    AccessDenied,
    ItemFull,
    LogChanged,
    NewEvent,
    StaleAnswer,
    Store,
    StoreError,
)
from nblabel.store.commits import GroupCommit

TASK = nl.Classify(["a", "b"], text="t")


def _event(item: str, annotator: str = "ana", value: str = "a") -> NewEvent:
    return NewEvent(item, annotator, "label", value, source="human")


def _wait_until(condition: Callable[[], bool], what: str, limit_s: float = 60.0) -> None:
    """Poll until ``condition()`` holds; fail (a hang guard, not a timing check) after a minute."""
    deadline = time.monotonic() + limit_s
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"gave up waiting for {what}")
        time.sleep(0.01)


class _Held:
    """Another connection holding the events table's write lock, so a leader waits for it."""

    def __init__(self, url: str) -> None:
        if "://" not in url:  # a SQLite file: another connection's write transaction
            self._sqlite = sqlite3.connect(url, isolation_level=None)
            self._sqlite.execute("BEGIN IMMEDIATE")
            return
        self._sqlite = None
        self._engine = sa.create_engine(url)
        self._conn = self._engine.connect()
        self._conn.exec_driver_sql("LOCK TABLE nblabel_events IN EXCLUSIVE MODE")

    def release(self) -> None:
        if self._sqlite is not None:
            self._sqlite.execute("COMMIT")
            self._sqlite.close()
            return
        self._conn.commit()
        self._conn.close()
        self._engine.dispose()


def _in_thread(results: dict, name: str, call: Callable[[], list[int]]) -> threading.Thread:
    def run() -> None:
        try:
            results[name] = call()
        except Exception as error:  # the writer's own outcome, checked by the test
            results[name] = error

    thread = threading.Thread(target=run)
    thread.start()
    return thread


# -- the group-commit machinery alone ----------------------------------------------------------
def test_writers_arriving_during_a_commit_share_the_next_one_each_with_its_own_result():
    groups: list[list[str]] = []
    first_started, release_first = threading.Event(), threading.Event()

    def write_group(writes):
        groups.append([write.job for write in writes])
        if len(groups) == 1:
            first_started.set()
            release_first.wait(60)
        for at, write in enumerate(writes):
            if write.job == "bad":
                write.error = ValueError("bad is refused")
            else:
                write.ids = [len(groups) * 100 + at]

    commits = GroupCommit(write_group)
    results: dict = {}
    threads = [_in_thread(results, "lead", lambda: commits.submit("lead"))]
    assert first_started.wait(60)
    for waiting, job in enumerate(("x", "bad", "y"), start=1):
        threads.append(_in_thread(results, job, lambda job=job: commits.submit(job)))
        _wait_until(lambda n=waiting: commits.waiting == n, f"{job} to wait")
    release_first.set()
    for thread in threads:
        thread.join(60)
    assert groups == [["lead"], ["x", "bad", "y"]]
    assert results["lead"] == [100] and results["x"] == [200] and results["y"] == [202]
    assert isinstance(results["bad"], ValueError) and str(results["bad"]) == "bad is refused"


def test_a_failed_commit_reaches_every_writer_it_did_not_refuse_and_an_interrupt_only_its_own():
    def failing(writes):
        writes[0].error = ValueError("refused alone")
        raise OSError("disk gone")

    commits = GroupCommit(failing)
    with pytest.raises(ValueError, match="refused alone"):
        commits.submit("one")
    with pytest.raises(OSError, match="disk gone"):
        GroupCommit(lambda writes: (_ for _ in ()).throw(OSError("disk gone"))).submit("two")

    entered, go_on = threading.Event(), threading.Event()

    def interrupted(writes):
        if any(write.job == "lead" for write in writes):
            entered.set()
            go_on.wait(60)
            raise KeyboardInterrupt
        for write in writes:
            write.ids = [1]

    commits = GroupCommit(interrupted)
    results: dict = {}

    def lead() -> None:
        try:
            commits.submit("lead")
        except KeyboardInterrupt:
            results["lead"] = "interrupted"

    leader = threading.Thread(target=lead)
    leader.start()
    assert entered.wait(60)
    follower = _in_thread(results, "after", lambda: commits.submit("after"))
    _wait_until(lambda: commits.waiting == 1, "the follower to wait")
    go_on.set()
    leader.join(60)
    follower.join(60)
    assert results == {"lead": "interrupted", "after": [1]}  # the next group went on


# -- a store's group: one commit, refusals alone -------------------------------------------------
def test_a_group_commits_once_and_each_refused_write_fails_alone(store_url):
    store = Store(store_url)
    pid = store.open_project("p", TASK)
    [answered] = store.append(pid, [_event("answered")])
    store.append(pid, [_event("full", "ben")], overlap=1, lease_us=60_000_000)
    commits: list[int] = []
    sa.event.listen(store.engine, "commit", lambda _conn: commits.append(1))
    held = _Held(store_url)
    results: dict = {}
    threads = [_in_thread(results, "lead", lambda: store.append(pid, [_event("lead")]))]
    _wait_until(lambda: store.engine.pool.checkedout() == 1, "the leader's transaction")
    writes = {
        "good": lambda: store.append(pid, [_event("good")]),
        "stale": lambda: store.append(pid, [_event("answered", value="b")], based_on=[0]),
        "pair": lambda: store.append(pid, [_event("p1"), _event("p2", "cy")]),
        "no project": lambda: store.append(pid + 1000, [_event("nowhere")]),
        "full": lambda: store.append(pid, [_event("full")], overlap=1, lease_us=60_000_000),
        "changed": lambda: store.append(pid, [_event("late")], if_last=answered),
        "last": lambda: store.append(pid, [_event("last")], based_on=[answered]),
    }
    for waiting, (name, write) in enumerate(writes.items(), start=1):
        threads.append(_in_thread(results, name, write))
        _wait_until(lambda n=waiting: store._commits.waiting == n, f"{name} to wait")
    held.release()
    for thread in threads:
        thread.join(120)

    assert len(commits) == 2, "the leader's transaction, then one for all who waited"
    assert isinstance(results["stale"], StaleAnswer)
    assert isinstance(results["full"], ItemFull)
    assert isinstance(results["changed"], LogChanged)
    assert type(results["no project"]) is StoreError and store.url in str(results["no project"])
    good, pair, last = results["good"], results["pair"], results["last"]
    assert results["lead"][0] < good[0] < pair[0] < pair[1] < last[0]
    stored = store.read(pid)
    assert [(e.id, e.item) for e in stored[2:]] == [
        (results["lead"][0], "lead"), (good[0], "good"), (pair[0], "p1"), (pair[1], "p2"),
        (last[0], "last"),
    ]
    assert [claim.annotator for claim in store.claims(pid)] == ["ben"]  # "full" took no slot
    store.close()


# -- many writers: threads of one store, and several kernels ------------------------------------
def _kernel(url: str, name: str, threads: int, answers: int, acks) -> None:
    store = Store(url)
    pid = store.open_project("shared", TASK)

    def write(writer: str) -> None:
        ids = []
        for i in range(answers):
            ids.extend(store.append(pid, [_event(str(i), writer)]))
        acks.put((writer, ids))

    workers = [threading.Thread(target=write, args=(f"{name}-{w}",)) for w in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    store.close()


def test_concurrent_threads_and_kernels_see_every_acknowledged_event_in_id_order(store_url):
    ctx = multiprocessing.get_context("spawn")
    store = Store(store_url)
    pid = store.open_project("shared", TASK)
    kernel_acks = ctx.Queue()
    kernels = [
        ctx.Process(target=_kernel, args=(store_url, f"k{k}", 3, 60, kernel_acks)) for k in range(2)
    ]
    for kernel in kernels:
        kernel.start()
    local_acks: queue.Queue = queue.Queue()
    here = threading.Thread(target=_kernel, args=(store_url, "here", 3, 60, local_acks))
    here.start()
    expected = 3 * 3 * 60
    seen, last = [], 0
    while True:  # a reader following the log while they write, until they are done
        writing = here.is_alive() or any(kernel.is_alive() for kernel in kernels)
        rows = store.read(pid, after=last)
        seen += [row.id for row in rows]
        last = seen[-1] if seen else last
        if not writing and not rows:
            break
    here.join(300)
    for kernel in kernels:
        kernel.join(300)
        assert kernel.exitcode == 0
    acks = dict(local_acks.get(timeout=5) for _ in range(3))
    acks.update(kernel_acks.get(timeout=5) for _ in range(6))

    stored = store.read(pid)
    assert seen == [row.id for row in stored], "a reader missed an event that showed up later"
    by_id = {row.id: (row.annotator, row.item) for row in stored}
    assert len(acks) == 9 and sum(len(ids) for ids in acks.values()) == expected == len(stored)
    for writer, ids in acks.items():
        assert ids == sorted(ids) and len(set(ids)) == len(ids), f"{writer}'s ids go back"
        assert [by_id[event_id] for event_id in ids] == [(writer, str(i)) for i in range(60)]
    store.close()


def test_projects_sharing_a_store_across_threads_mirror_every_answer_in_id_order(store_url):
    store = Store(store_url)
    df = pd.DataFrame({"t": [f"item {i}" for i in range(40)]})
    projects = [nl.Project(df, TASK, store=store, name="team") for _ in range(6)]
    acks: dict[str, list[int]] = {}

    def annotate(proj: nl.Project, who: str) -> None:
        acks[who] = [proj.add(i, "a", annotator=who) for i in range(40)]

    threads = [
        threading.Thread(target=annotate, args=(proj, f"w{at}"))
        for at, proj in enumerate(projects)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(300)
    stored = [row.id for row in store.read(projects[0]._project_id)]
    assert sorted(event_id for ids in acks.values() for event_id in ids) == stored
    for who, ids in acks.items():
        assert ids == sorted(ids), f"{who}'s answers were acknowledged out of id order"
    for proj in projects:
        events = proj.annotations
        assert events["event_id"].tolist() == stored
    store.close()


# -- a crash --------------------------------------------------------------------------------------
CRASHING_KERNEL = """
import sys, threading
import nblabel as nl
from nblabel.store import NewEvent, Store

store = Store(sys.argv[1])
pid = store.open_project("shared", nl.Classify(["a", "b"], text="t"))
printing = threading.Lock()

def write(writer):
    for i in range(1_000_000):
        [event_id] = store.append(pid, [NewEvent(str(i), writer, "label", "a", source="human")])
        with printing:
            print(event_id, writer, i, flush=True)

for w in range(4):
    threading.Thread(target=write, args=(f"w{w}",)).start()
"""


def test_a_killed_kernel_loses_no_acknowledged_event(store_url):
    kernel = subprocess.Popen(
        [sys.executable, "-c", CRASHING_KERNEL, store_url], stdout=subprocess.PIPE, text=True
    )
    acknowledged = []
    for line in kernel.stdout:
        acknowledged.append(line)
        if len(acknowledged) == 300:
            kernel.kill()  # SIGKILL: no clean-up, transactions in flight die with it
            break
    acknowledged += list(kernel.stdout)  # printed before it died
    kernel.wait(60)
    # An acknowledgement is a whole line "<event id> <writer> <item>"; the kill may cut the last
    # one short, and that one proves nothing either way.
    acknowledged = [line.split() for line in acknowledged if line.endswith("\n") and len(line.split()) == 3]
    assert kernel.returncode != 0 and len(acknowledged) >= 300

    store = Store(store_url)
    pid = store.open_project("shared", TASK)
    stored = {str(row.id): (row.annotator, row.item) for row in store.read(pid)}
    lost = [ack for ack in acknowledged if stored.get(ack[0]) != (ack[1], ack[2])]
    assert not lost, f"acknowledged but not in the store: {lost[:5]}"
    assert store.append(pid, [_event("after the crash")])  # the store is writable again
    store.close()


# -- row-level security: a refusal inside a group is that member's alone -----------------------
def test_a_refusal_under_row_level_security_reaches_only_its_writer(team):  # noqa: F811 (fixture)
    ana, ben = team.role("ana"), team.role("ben")
    store = Store(team.url("ana"))
    pid = store.open_project("demo", TASK)
    held = _Held(team.url("owner"))
    results: dict = {}
    threads = [_in_thread(results, "lead", lambda: store.append(pid, [_event("0", ana)]))]
    _wait_until(lambda: store.engine.pool.checkedout() == 1, "the leader's transaction")
    writes = {
        "mine": lambda: store.append(pid, [_event("1", ana)]),
        "as ben": lambda: store.append(pid, [_event("2", ben)]),
        "gold": lambda: store.append(pid, [NewEvent("3", ana, "label", "a", source="gold")]),
        "mine again": lambda: store.append(pid, [_event("4", ana)]),
    }
    for waiting, (name, write) in enumerate(writes.items(), start=1):
        threads.append(_in_thread(results, name, write))
        _wait_until(lambda n=waiting: store._commits.waiting == n, f"{name} to wait")
    held.release()
    for thread in threads:
        thread.join(120)
    assert isinstance(results["as ben"], AccessDenied)
    assert f"this event is by {ben!r}" in str(results["as ben"])
    assert isinstance(results["gold"], AccessDenied) and "gold answers" in str(results["gold"])
    assert results["lead"][0] < results["mine"][0] < results["mine again"][0]
    assert [(e.item, e.annotator) for e in store.read(pid)] == [(item, ana) for item in "014"]
    store.close()
