"""Access the database itself enforces on a shared PostgreSQL store (``nl.admin.setup_postgres``).

Every test sets up a team in a fresh schema, with real roles made for the run (and dropped after
it), and connects as each of them: the owner, annotators ``ana``, ``ben`` and ``cy``, reviewer
``rev``. Each forbidden action is tried twice, through nblabel's API and with plain SQL on the
member's own connection, so the refusal is the database's and not nblabel's code; each allowed
action is shown to work the same way. The roles need the test role to have ``CREATEROLE``
(``.ci/run`` grants it).
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field

import pandas as pd
import pytest
import sqlalchemy as sa
from real_parts import unavailable

import nblabel as nl
from nblabel.store import AccessDenied, NewEvent, Store

POSTGRES_URL = os.environ.get("NBLABEL_TEST_POSTGRES_URL")
TASK = nl.Classify(["a", "b"], text="text")
PEOPLE = ("ana", "ben", "cy", "rev")


def frame(n: int = 6) -> pd.DataFrame:
    return pd.DataFrame({"text": [f"item {i}" for i in range(n)]})


@dataclass
class Team:
    """A team set up in one schema: who is who, and connections made as each."""

    schema: str
    tag: str
    passwords: dict[str, str]
    engines: dict[str, sa.Engine] = field(default_factory=dict)

    def role(self, who: str) -> str:
        """The PostgreSQL role (and annotator name) of ``who``."""
        return who if who == "owner" else f"{who}_{self.tag}"

    def url(self, who: str) -> str:
        """A URL that connects as ``who`` ("owner" for the test role) to the team's schema."""
        url = sa.make_url(POSTGRES_URL)
        if who != "owner":
            url = url.set(username=self.role(who), password=self.passwords[who])
        query = dict(url.query, options=f"-csearch_path={self.schema}")
        return url.set(query=query).render_as_string(hide_password=False)

    def sql(self, who: str, statement: str, **params) -> sa.CursorResult:
        """Run one statement as ``who`` on a plain connection and commit; return its result."""
        if who not in self.engines:
            self.engines[who] = sa.create_engine(self.url(who))
        with self.engines[who].begin() as conn:
            result = conn.execute(sa.text(statement), params)
            return result.all() if result.returns_rows else result.rowcount

    def project(self, who: str, name: str = "demo", **options) -> nl.Project:
        return nl.Project(frame(), TASK, store=self.url(who), name=name, **options)

    def setup(self, project: str = "demo", **options) -> pd.DataFrame:
        members = {
            "annotators": [self.role(who) for who in ("ana", "ben", "cy")],
            "reviewers": [self.role("rev")],
            "passwords": {self.role(who): self.passwords[who] for who in PEOPLE},
        }
        return nl.admin.setup_postgres(self.url("owner"), project, **{**members, **options})


@pytest.fixture
def team() -> Iterator[Team]:
    if not POSTGRES_URL:
        unavailable("no PostgreSQL server configured: set NBLABEL_TEST_POSTGRES_URL (see .ci/run)")
    tag = uuid.uuid4().hex[:8]
    made = Team(f"t_{tag}", tag, {who: uuid.uuid4().hex for who in PEOPLE})
    admin = sa.create_engine(POSTGRES_URL)
    with admin.begin() as conn:
        conn.exec_driver_sql(f'CREATE SCHEMA "{made.schema}"')
    try:
        made.setup(task=TASK)
        yield made
    finally:
        for engine in made.engines.values():
            engine.dispose()
        with admin.begin() as conn:
            conn.exec_driver_sql(f'DROP SCHEMA "{made.schema}" CASCADE')
            for who in (*PEOPLE, "dee", "zoe"):
                conn.exec_driver_sql(f'DROP ROLE IF EXISTS "{made.role(who)}"')
        admin.dispose()


def refused(call, *args, **kwargs) -> str:
    """Call, expect the database to refuse it (SQLSTATE 42501), return its message."""
    with pytest.raises(sa.exc.DBAPIError) as caught:
        call(*args, **kwargs)
    assert caught.value.orig.sqlstate == "42501", caught.value
    return str(caught.value.orig)


INSERT = (
    "INSERT INTO nblabel_events (project_id, item, annotator, event, value, source, created_us) "
    "VALUES ((SELECT id FROM nblabel_projects WHERE name = :project), :item, :annotator, "
    ":event, '\"a\"', :source, 0)"
)


def insert(team: Team, who: str, annotator: str, *, project="demo", event="label",
           source="human", item="5") -> int:
    return team.sql(who, INSERT, project=project, item=item, annotator=team.role(annotator),
                    event=event, source=source)


# -- setting up ----------------------------------------------------------------------------------
def test_setup_creates_roles_once_and_adds_people_when_run_again(team):
    again = team.setup()
    assert list(again.index) == sorted(team.role(who) for who in PEOPLE)
    assert not again["created"].any(), "the roles exist since the first run"
    assert again.loc[team.role("rev"), "kind"] == "reviewer"
    assert again.loc[team.role("ana"), "kind"] == "annotator"
    dee = team.role("dee")
    team.passwords["dee"] = "dee's password"
    grown = nl.admin.setup_postgres(
        team.url("owner"), "demo", [dee], passwords={dee: "dee's password"}
    )
    assert grown.loc[dee, "created"] and len(grown) == 5
    with team.project("dee") as proj:
        proj.add(0, "a", annotator=dee)
    policies = team.sql("owner", "SELECT count(*) FROM pg_policies WHERE schemaname = :s",
                        s=team.schema)
    assert policies == [(10,)], "policies are replaced, not added again"


def test_setup_refuses_what_would_not_be_bound_by_the_rules(team, tmp_path):
    with pytest.raises(ValueError, match="PostgreSQL store"):
        nl.admin.setup_postgres(str(tmp_path / "labels.db"), "demo", ["ana"])
    assert not (tmp_path / "labels.db").exists()
    owner = sa.make_url(POSTGRES_URL).username
    with pytest.raises(ValueError, match="owner"):
        nl.admin.setup_postgres(team.url("owner"), "demo", [owner])
    with pytest.raises(ValueError, match="both annotator and reviewer"):
        nl.admin.setup_postgres(team.url("owner"), "demo", ["x1"], ["x1"])
    with pytest.raises(ValueError, match="63 bytes"):
        nl.admin.setup_postgres(team.url("owner"), "demo", ["é" * 40])
    with pytest.raises(ValueError) as caught:
        nl.admin.setup_postgres(team.url("owner"), "demo", ["x1"], passwords={"x1": ""})
    with pytest.raises(ValueError, match="not among") as caught:
        nl.admin.setup_postgres(team.url("owner"), "demo", ["x1"], passwords={"x2": "s3cret"})
    assert "s3cret" not in str(caught.value)
    with pytest.raises(AccessDenied, match="does not own the nblabel tables"):
        nl.admin.setup_postgres(team.url("ana"), "demo", [team.role("ben")])


def test_a_role_off_every_team_cannot_open_the_store(team):
    zoe = team.role("zoe")
    team.passwords["zoe"] = "zoe's password"
    team.sql("owner", f"CREATE ROLE \"{zoe}\" LOGIN PASSWORD 'zoe''s password'")
    team.sql("owner", f'GRANT USAGE ON SCHEMA "{team.schema}" TO "{zoe}"')  # as on public
    with pytest.raises(AccessDenied) as caught:
        Store(team.url("zoe"))
    assert f"connected as {zoe!r}" in str(caught.value)
    assert "may not open this store" in str(caught.value)


# -- writing -------------------------------------------------------------------------------------
def test_members_write_their_own_answers_and_reviewers_adjudicate(team):
    ana, rev = team.role("ana"), team.role("rev")
    with team.project("ana") as proj:
        proj.add(0, "a", annotator=ana)
        proj.skip(1, annotator=ana)
        proj.retract(0, annotator=ana)
        assert list(proj.annotations["event"]) == ["label", "skip", "retract"]
    assert insert(team, "ana", "ana") == 1
    with team.project("rev") as proj:
        proj.add(0, "b", annotator=rev, source="adjudicated")
        proj.add(1, "a", annotator=rev)
    assert insert(team, "rev", "rev", source="adjudicated") == 1
    sources = team.sql("owner", "SELECT annotator, source FROM nblabel_events ORDER BY id")
    assert sources[-3:] == [(rev, "adjudicated"), (rev, "human"), (rev, "adjudicated")]


def test_an_event_as_someone_else_is_refused(team):
    ana, ben = team.role("ana"), team.role("ben")
    with team.project("ana") as proj:
        with pytest.raises(AccessDenied) as caught:
            proj.add(0, "a", annotator=ben)
        assert str(caught.value).startswith(
            f"the database refuses: connected as {ana!r}, this event is by {ben!r}"
        )
        assert len(proj.annotations) == 0
    assert "row-level security" in refused(insert, team, "ana", "ben")
    refused(insert, team, "rev", "ana")  # a reviewer writes only as themselves too
    assert team.sql("owner", "SELECT count(*) FROM nblabel_events") == [(0,)]


@pytest.mark.parametrize("source", ["adjudicated", "gold", "model"])
def test_annotators_may_not_adjudicate_nor_write_gold_or_model_answers(team, source):
    ana = team.role("ana")
    with team.project("ana") as proj, pytest.raises(AccessDenied) as caught:
        proj.add(0, "a", annotator=ana, source=source)
    message = str(caught.value)
    assert f"connected as {ana!r}, an annotator of project 'demo'" in message
    assert ("only its reviewers" if source == "adjudicated" else "store's owner") in message
    refused(insert, team, "ana", "ana", source=source)
    refused(insert, team, "ana", "ana", event="suggest", source="model")
    refused(insert, team, "rev", "rev", source="gold")


def test_writing_into_another_project_is_refused(team):
    with team.project("owner", name="other") as proj:
        proj.add(0, "a", annotator="lead")
    with pytest.raises(AccessDenied, match="may not open project 'other'"):
        team.project("ana", name="other")
    assert "row-level security" in refused(insert, team, "ana", "ana", project="other")
    ana = team.role("ana")
    store = Store(team.url("ana"))
    other = team.sql("owner", "SELECT id FROM nblabel_projects WHERE name = 'other'")[0][0]
    with pytest.raises(AccessDenied, match=f"{ana!r}, which is not on the team of project"):
        store.append(other, [NewEvent("0", ana, "label", "a", source="human")])
    assert store.read(other) == [], "nor does it read the other project's events"
    assert store.projects() == ["demo"]
    store.close()


def test_the_log_is_append_only_for_every_member(team):
    with team.project("ana") as proj:
        proj.add(0, "a", annotator=team.role("ana"))
    for who in ("ana", "rev"):
        assert "permission denied" in refused(team.sql, who, "UPDATE nblabel_events SET value = 'null'")
        refused(team.sql, who, "DELETE FROM nblabel_events")
        refused(team.sql, who, "TRUNCATE nblabel_events")
        refused(team.sql, who, "UPDATE nblabel_projects SET task = '{}'")
        refused(team.sql, who, "INSERT INTO nblabel_members VALUES ('demo', 'x', 'reviewer')")
        refused(team.sql, who, "UPDATE nblabel_teams SET blind = false")
        refused(team.sql, who, "INSERT INTO nblabel_events (id, project_id, item, annotator, "
                               "event, source, created_us) VALUES (10^9, 1, '0', current_user, "
                               "'label', 'human', 0)")
    assert team.sql("owner", "SELECT value FROM nblabel_events") == [('"a"',)]


def test_nobody_erases_or_takes_another_members_reservation(team):
    ben = team.role("ben")
    with team.project("ben", overlap=2) as proj:
        View(proj, ben, window=6)  # reserves every item for ben
        held = "SELECT count(*) FROM nblabel_claims WHERE annotator = :a"
        assert team.sql("ana", held, a=ben) == [(6,)], "claims are visible: holders, no answers"
        assert team.sql("ana", "DELETE FROM nblabel_claims WHERE annotator = :a", a=ben) == 0
        assert team.sql("ana", "UPDATE nblabel_claims SET annotator = current_user") == 0
        assert team.sql("ana", "UPDATE nblabel_claims SET expires_us = 0 WHERE annotator = :a",
                        a=ben) == 0
        refused(team.sql, "ana", "UPDATE nblabel_claims SET item = 'x'")
        refused(team.sql, "ana", "INSERT INTO nblabel_claims VALUES (1, '9', 0, :a, 0, false)", a=ben)
        assert team.sql("owner", held, a=ben) == [(6,)]
        # A lease that ran out unanswered may be taken over: that is how overlap moves on.
        team.sql("owner", "UPDATE nblabel_claims SET expires_us = 0 WHERE item = '5'")
        taken = team.sql("ana", "UPDATE nblabel_claims SET annotator = current_user, "
                                "expires_us = 1e15 WHERE item = '5' AND expires_us < 1e6")
        assert taken == 1


# -- reading -------------------------------------------------------------------------------------
def test_a_blind_project_hides_other_annotators_answers(team):
    ana, ben, rev = team.role("ana"), team.role("ben"), team.role("rev")
    with team.project("ben") as proj:
        proj.add(0, "b", annotator=ben)
        proj.add(4, "b", annotator=ben)
    with team.project("owner") as proj:
        proj.add(0, "a", annotator="model-1", source="model")
        proj.add(1, "a", annotator="key", source="gold")
    with team.project("ana") as proj:
        proj.add(0, "a", annotator=ana)
    with team.project("rev") as proj:
        proj.add(0, "a", annotator=rev, source="adjudicated")
        proj.add(4, "b", annotator=rev, source="adjudicated")
        assert len(proj.annotations) == 7, "a reviewer reads every answer"
    with team.project("ana") as proj:
        seen = proj.annotations
        assert set(zip(seen["annotator"], seen["item"], strict=True)) == {
            ("model-1", 0), (ana, 0), (rev, 0),  # the decision on an item ana answered
        }
    events = "SELECT annotator, item FROM nblabel_events ORDER BY id"
    assert team.sql("ana", events) == [("model-1", "0"), (ana, "0"), (rev, "0")]
    assert team.sql("ana", "SELECT count(*) FROM nblabel_events WHERE annotator = :b", b=ben) == [(0,)]
    assert team.sql("cy", events) == [("model-1", "0")]
    assert len(team.sql("owner", events)) == 7


def test_a_project_that_is_not_blind_shows_everyone_everything(team):
    team.setup(blind=False)
    with team.project("ben") as proj:
        proj.add(0, "b", annotator=team.role("ben"))
    with team.project("ana") as proj:
        assert list(proj.annotations["annotator"]) == [team.role("ben")]
    team.setup()  # blind again
    assert team.sql("ana", "SELECT count(*) FROM nblabel_events") == [(0,)]


def test_a_member_opens_the_project_without_writing_and_may_not_change_it(team):
    guided = nl.Classify(["a", "b"], text="text", guidelines="Label a or b.")
    nl.Project(frame(), guided, store=team.url("owner"), name="demo").close()
    worded = nl.Classify(["a", "b"], text="text", fields=["text"], guidelines="Label a or b.")
    with nl.Project(frame(), worded, store=team.url("ana"), name="demo") as proj:
        proj.add(0, "a", annotator=team.role("ana"))
    assert team.sql("owner", "SELECT task FROM nblabel_projects")[0][0] == guided.to_json()
    with pytest.raises(AccessDenied, match=r"may not add labels \['c'\]"):
        nl.Project(frame(), nl.Classify(["a", "b", "c"], text="text"), store=team.url("ana"),
                   name="demo")
    with pytest.raises(AccessDenied, match="may not record guideline version"):
        nl.Project(frame(), nl.Classify(["a", "b"], text="text", guidelines="Other."),
                   store=team.url("ana"), name="demo")


def test_a_reviewers_connection_cites_a_passage_and_the_annotators_reads_it(team):
    guided = nl.Classify(["a", "b"], text="text", guidelines="# Rules\n## When b\nLong items are b.")
    nl.Project(frame(), guided, store=team.url("owner"), name="demo").close()  # the owner's version
    ana, rev = team.role("ana"), team.role("rev")
    with nl.Project(frame(), guided, store=team.url("ana"), name="demo") as proj:
        proj.add(0, "a", annotator=ana)
    with nl.Project(frame(), guided, store=team.url("rev"), name="demo") as proj:
        with pytest.raises(ValueError, match="its headings are 'Rules', 'When b'"):
            proj.add(0, "b", annotator=rev, source="adjudicated", passage="When a")
        proj.add(0, "b", annotator=rev, source="adjudicated", comment="long", passage="When b")
    with nl.Project(frame(), guided, store=team.url("ana"), name="demo") as proj:
        [passage] = proj.feedback(ana)["passage"]
    assert passage == nl.Passage("When b", "Long items are b.", guided.guideline_version)


# -- overlap, progress and the widget ------------------------------------------------------------
class View:
    """One annotator's widget, driven as a browser would (see test_overlap.py)."""

    def __init__(self, project: nl.Project, annotator: str, window: int = 3) -> None:
        self.widget = project.label(annotator, window=window)
        self.messages: list[dict] = []
        self.widget.send = lambda content, buffers=None: self.messages.append(content)
        self.widget._on_message(self.widget, {"kind": "hello", "to": "v"}, [])
        self.upcoming = [item["pos"] for item in self.messages[-1]["upcoming"]]

    def answer(self, pos: int, value: str = "a") -> dict:
        before = len(self.messages)
        message = {"kind": "answer", "req": f"r{pos}", "pos": pos, "event": "label",
                   "value": value}
        self.widget._on_message(self.widget, message, [])
        return [m for m in self.messages[before:] if m["kind"] in ("ack", "reject")][0]


def test_overlap_works_across_annotator_connections_that_cannot_read_each_other(team):
    projects = {who: team.project(who, overlap=2) for who in ("ana", "ben", "cy")}
    try:
        ana, ben, cy = (View(projects[who], team.role(who)) for who in ("ana", "ben", "cy"))
        assert ana.upcoming == ben.upcoming == [0, 1, 2]
        assert cy.upcoming == [3, 4, 5], "ana and ben hold items 0-2: cy's kernel learns it"
        for view in (ana, ben):
            for pos in view.upcoming:
                assert view.answer(pos)["kind"] == "ack"
        assert cy.answer(3)["kind"] == "ack"
        done = "SELECT item, count(*) FROM nblabel_claims WHERE done GROUP BY item ORDER BY item"
        assert team.sql("cy", done) == [("0", 2), ("1", 2), ("2", 2), ("3", 1)]
        assert list(projects["cy"].annotations["item"]) == [3], "cy reads only its own answer"
    finally:
        for proj in projects.values():
            proj.close()


def test_progress_counts_everyones_answers_without_showing_them(team):
    ana, ben = team.role("ana"), team.role("ben")
    with team.project("ben") as proj:
        proj.add(0, "b", annotator=ben)
        proj.add(1, "b", annotator=ben)
        proj.skip(2, annotator=ben)
    with team.project("ana") as proj:
        proj.add(0, "a", annotator=ana)
        assert list(proj.progress().index) == [ana], "a Project on ana's connection sees ana"
        table = nl.admin.progress(team.url("ana"), "demo")
    assert list(table.index) == [ana, ben]
    assert table.loc[ben, ["labeled", "skipped", "done"]].tolist() == [2, 1, 3]
    assert table.loc[ana, "done"] == 1
    assert list(table.columns) == ["labeled", "skipped", "done", "last_active"]
    owner = nl.admin.progress(team.url("owner"), "demo")
    pd.testing.assert_frame_equal(owner, table)
    with team.project("owner", name="other"):
        pass
    assert nl.admin.progress(team.url("ana"), "other").empty


def test_the_widget_shows_the_databases_refusal(team):
    ana, ben = team.role("ana"), team.role("ben")
    with team.project("ana") as proj:
        view = View(proj, ben)
        reply = view.answer(view.upcoming[0])
        assert reply["kind"] == "reject"
        assert f"connected as {ana!r}, this event is by {ben!r}" in reply["reason"]
        mine = View(proj, ana)
        assert mine.answer(mine.upcoming[0])["kind"] == "ack"
