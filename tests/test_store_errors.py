"""One error policy: every public Store method turns a driver error into an explained StoreError."""

import os
import subprocess
import sys
import textwrap

import pytest
import sqlalchemy as sa

from nblabel.store import NewEvent, Store, StoreError

LEASE_US = 60_000_000

#: A call of each public method (but close) with valid arguments, as (store, project id, task).
CALLS = {
    "open_project": lambda s, pid, task: s.open_project("another", task),
    "projects": lambda s, pid, task: s.projects(),
    "record_guideline": lambda s, pid, task: s.record_guideline(pid, "v2", "Label politely.", "round 2"),
    "guidelines": lambda s, pid, task: s.guidelines(pid),
    "append": lambda s, pid, task: s.append(pid, [NewEvent("1", "ana", "label", "pos", source="human")]),
    "claim": lambda s, pid, task: s.claim(pid, ["1"], "ana", 2, LEASE_US),
    "renew": lambda s, pid, task: s.renew(pid, ["1"], "ana", LEASE_US),
    "release": lambda s, pid, task: s.release(pid, "ana"),
    "claims": lambda s, pid, task: s.claims(pid),
    "read": lambda s, pid, task: s.read(pid),
}
WRITES = ["open_project", "record_guideline", "append", "claim", "renew", "release"]


def test_every_public_method_is_covered():
    public = {name for name in vars(Store) if not name.startswith("_") and callable(getattr(Store, name))}
    assert public == {*CALLS, "close"}, "a new public Store method needs its case here"


def _fail_every_statement(store, message):
    """Make the driver refuse every statement the store sends, as a full disk or a lost server would."""
    dbapi = store.engine.dialect.loaded_dbapi

    def refuse(*args, **kwargs):
        raise dbapi.OperationalError(message)

    for name in ("do_execute", "do_execute_no_params", "do_executemany"):
        sa.event.listen(store.engine, name, refuse)


@pytest.mark.parametrize("method", [*CALLS, "close"])
def test_a_driver_error_becomes_an_explained_store_error(store_url, task, method, monkeypatch):
    store = Store(store_url)
    pid = store.open_project("p", task)
    # The driver's message names the URL with its password, as some do: it must not be shown.
    raw_url = store.engine.url.render_as_string(hide_password=False)
    message = f"could not write to {raw_url}: No space left on device"
    if method == "close":  # closing runs no statement: the pool's dispose fails instead
        error = sa.exc.OperationalError("dispose", None, store.engine.dialect.loaded_dbapi.OperationalError(message))

        def dispose():
            raise error

        monkeypatch.setattr(store.engine, "dispose", dispose)
    else:
        _fail_every_statement(store, message)
    with pytest.raises(StoreError, match="is full.*nothing was written") as caught:
        store.close() if method == "close" else CALLS[method](store, pid, task)
    assert isinstance(caught.value.__cause__, sa.exc.DBAPIError)
    password = store.engine.url.password
    if password:
        assert f":{password}@" not in str(caught.value) and ":***@" in str(caught.value)
    monkeypatch.undo()
    store.close()


def test_argument_errors_are_not_store_errors(store_path, task):
    store = Store(store_path)
    pid = store.open_project("p", task)
    _fail_every_statement(store, "database or disk is full")
    with pytest.raises(ValueError, match="overlap must be"):
        store.claim(pid, ["1"], "ana", 0, LEASE_US)
    with pytest.raises(TypeError, match="an event is a NewEvent"):
        store.append(pid, [{"item": "1"}])
    store.close()


@pytest.mark.parametrize("method", CALLS)
def test_a_store_file_damaged_under_an_open_store(store_path, task, method):
    store = Store(store_path)
    pid = store.open_project("p", task)
    store.engine.dispose()  # what a kernel holds after its connections were recycled
    for suffix in ("-wal", "-shm"):
        store_path.with_name(store_path.name + suffix).unlink(missing_ok=True)
    store_path.write_bytes(b"not a database " * 100)
    with pytest.raises(StoreError, match="not a readable nblabel store.*move it aside"):
        CALLS[method](store, pid, task)
    store.close()  # closing still works
    assert store_path.read_bytes() == b"not a database " * 100, "a damaged file is never overwritten"


_READ_ONLY_SCRIPT = textwrap.dedent(
    """
    import os, sys
    import nblabel as nl
    from nblabel.store import NewEvent, Store, StoreError
    from test_store_errors import CALLS, WRITES
    path = sys.argv[1]
    task = nl.Classify(["pos", "neg"], text="text")
    store = Store(path)
    pid = store.open_project("p", task)
    store.append(pid, [NewEvent("1", "ana", "label", "pos", source="human")])
    os.chmod(path, 0o444)
    store.engine.dispose()  # new connections open the file read-only
    for name in WRITES:
        try:
            CALLS[name](store, pid, task)
        except StoreError as error:
            print(name, "StoreError:", error)
        else:
            print(name, "written")
    print("read", len(store.read(pid)))
    """
)


def test_a_store_file_made_read_only_under_an_open_store(tmp_path):
    path = tmp_path / "labels.db"
    command = [sys.executable, "-c", _READ_ONLY_SCRIPT, str(path)]
    if os.geteuid() == 0:  # root ignores permission bits unless it loses these capabilities
        command = ["setpriv", "--bounding-set=-dac_override,-dac_read_search,-fowner", *command]
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([os.path.dirname(__file__), os.environ.get("PYTHONPATH", "")])}
    result = subprocess.run(command, capture_output=True, text=True, timeout=120, env=env)
    lines = result.stdout.splitlines()
    assert len(lines) == len(WRITES) + 1, result.stdout + result.stderr
    for name, line in zip(WRITES, lines, strict=False):
        assert line.startswith(f"{name} StoreError: cannot write to sqlite:///"), line
        assert "Check that the file and its directory are writable" in line
    assert lines[-1] == "read 1", "reading a read-only store still works"


@pytest.mark.parametrize("method", CALLS)
def test_postgres_tables_dropped_under_an_open_store(postgres_url, task, method):
    store = Store(postgres_url)
    pid = store.open_project("p", task)
    with store.engine.begin() as conn:
        for table in ("nblabel_claims", "nblabel_guidelines", "nblabel_events", "nblabel_projects", "nblabel_meta"):
            conn.exec_driver_sql(f"DROP TABLE {table}")
    with pytest.raises(StoreError, match=r"the store postgresql\S*:\*\*\*@\S* failed: .*does not exist"):
        CALLS[method](store, pid, task)
    store.close()
