"""A malicious annotator with only their own login: locks, identities, role names, grants."""

from __future__ import annotations

import threading
from collections.abc import Iterator

import pytest
from sqlalchemy import text

from annotator.core.commands import RemoveEntity
from annotator.core.ids import new_id
from annotator.core.model import EntitySpan
from annotator.services.project import open_project
from annotator.services.session import DocumentSession
from annotator.services.team import grant, my_roles, revoke, setup_roles
from annotator.storage import NewDocument, make_engine, postgres
from annotator.storage.errors import Busy, NotPermitted, StorageError
from annotator.storage.roles import MAX_IDENTIFIER, ROLES, role_name, roles_of

TEXT = "Zoë Chen met Ministers of 日本 in London; talks went well, she said. " * 2


@pytest.fixture
def team(pg_server, pg_database: str) -> Iterator[tuple[str, dict[str, str]]]:  # type: ignore[no-untyped-def]
    """One document; alice and bob are annotators, carol a reviewer; also the owner's URL."""
    for user in ("alice", "bob", "carol"):
        pg_server.create_role(user)
    with open_project(pg_database) as owner:
        doc_id, _ = owner.repo.add_document(NewDocument(title="t", text=TEXT))
        setup_roles(owner)
        grant(owner, "alice", "annotator")
        grant(owner, "bob", "annotator")
        grant(owner, "carol", "reviewer")
    database = pg_database.rsplit("/", 1)[1]
    urls = {u: pg_server.url(database, user=u) for u in ("alice", "bob", "carol")}
    urls["owner"] = pg_database
    yield doc_id, urls


@pytest.mark.parametrize(
    "statement",
    [
        "LOCK TABLE entity_spans IN ACCESS EXCLUSIVE MODE",
        "LOCK TABLE documents IN ACCESS EXCLUSIVE MODE",
        "LOCK TABLE claims IN SHARE MODE",
        "LOCK TABLE project_meta IN EXCLUSIVE MODE",
        "SELECT id FROM documents FOR UPDATE",
        "SELECT id FROM entity_spans FOR SHARE",
        "UPDATE documents SET status = 'done'",
        "DELETE FROM entity_spans",
    ],
)
def test_an_annotator_cannot_lock_shared_tables(
    team: tuple[str, dict[str, str]], statement: str
) -> None:
    _doc_id, urls = team
    engine = make_engine(urls["alice"])
    try:
        with engine.connect() as conn, pytest.raises(Exception, match="permission denied"):
            conn.execute(text(statement))
    finally:
        engine.dispose()


def test_annotators_still_edit_and_set_status_through_the_write_functions(
    team: tuple[str, dict[str, str]],
) -> None:
    doc_id, urls = team
    with open_project(urls["alice"]) as alice:
        assert alice.repo.uses_write_functions
        session = DocumentSession(alice, doc_id)
        session.apply(session.new_entity(0, 3, "PERSON"))
        [span_id] = session.annotations.entities
        session.put_entity(EntitySpan(span_id, 0, 8, "ORG", "alice"))
        claim = session.new_claim(10, 20, span_id)
        session.apply(claim)
        session.put_claim(claim.claim.__class__(**{**_fields(claim.claim), "speaker_text": "Zoë"}))
        from annotator.core.model import Status

        session.set_status(Status.IN_PROGRESS)
        session.delete_claim(claim.claim.id)
        session.delete_entity(span_id)
    with open_project(urls["owner"]) as owner:
        assert owner.repo.load_annotations(doc_id).is_empty()
        assert owner.repo.get_document(doc_id).status.value == "in_progress"


def _fields(obj: object) -> dict[str, object]:
    return {name: getattr(obj, name) for name in obj.__slots__}  # type: ignore[attr-defined]


def test_a_held_lock_becomes_a_clear_message(
    team: tuple[str, dict[str, str]], monkeypatch: pytest.MonkeyPatch
) -> None:
    _doc_id, urls = team
    monkeypatch.setattr(postgres, "LOCK_TIMEOUT_MS", 300)
    holder = make_engine(urls["owner"])
    try:
        with holder.connect() as conn, conn.begin():
            conn.execute(text("LOCK TABLE entity_spans IN ACCESS EXCLUSIVE MODE"))
            outcome: list[BaseException | None] = []

            def read_stats() -> None:
                try:
                    with open_project(urls["alice"]) as alice:
                        alice.repo.stats()
                    outcome.append(None)
                except BaseException as exc:
                    outcome.append(exc)

            reader = threading.Thread(target=read_stats)
            reader.start()
            reader.join(30)
            assert not reader.is_alive(), "the read hung behind the lock"
    finally:
        holder.dispose()
    [error] = outcome
    assert isinstance(error, Busy)
    assert "busy" in str(error) and "\n" not in str(error)


def test_a_reviewer_writes_under_their_own_name_only(team: tuple[str, dict[str, str]]) -> None:
    doc_id, urls = team
    with open_project(urls["bob"]) as bob, open_project(urls["carol"]) as carol:
        mine = DocumentSession(bob, doc_id)
        mine.apply(mine.new_entity(0, 3, "PERSON"))
        [bobs] = mine.annotations.entities.values()
        editor = carol.repo.editor(doc_id, "carol")
        with pytest.raises(NotPermitted):  # a new span under bob's name
            editor.put_entity(EntitySpan(new_id(), 4, 8, "ORG", "bob"), new=True)
        with pytest.raises(NotPermitted):  # bob's span given to alice
            editor.put_entity(EntitySpan(bobs.id, 0, 3, "ORG", "alice"))
        bob_id = bob.repo.annotator_id("bob")
        engine = make_engine(urls["carol"])
        try:
            with engine.begin() as conn, pytest.raises(Exception, match="row-level security"):
                conn.execute(
                    text("INSERT INTO entity_spans VALUES (:i, :d, :a, 1, 2, 'ORG', now(), now())"),
                    {"i": new_id(), "d": doc_id, "a": bob_id},
                )
        finally:
            engine.dispose()
        # a correction keeps the row bob's; deleting it and undoing puts it back as bob's
        review = DocumentSession(carol, doc_id)
        review.put_entity(EntitySpan(bobs.id, 0, 8, "ORG", "bob"))
        command = RemoveEntity(bobs.id)
        command.redo(review)
        command.undo(review)
        assert bob.repo.load_annotations(doc_id).entities == {
            bobs.id: EntitySpan(bobs.id, 0, 8, "ORG", "bob")
        }


def test_role_names_never_collide_and_fit() -> None:
    long = "p" * 61
    names = {role: role_name(long, role) for role in ROLES}
    assert len(set(names.values())) == 3
    assert all(len(n.encode()) <= MAX_IDENTIFIER for n in names.values())
    other = role_name("p" * 60 + "q", "admin")
    assert other != names["admin"]
    assert role_name("news", "admin") == "news_admin"  # short names as before
    wide = role_name("日本" * 20, "annotator")  # cut at whole characters
    assert len(wide.encode()) <= MAX_IDENTIFIER and wide.endswith("_annotator")


def test_a_long_database_name_with_a_quote_gets_its_own_roles(pg_server) -> None:  # type: ignore[no-untyped-def]
    name = ("o'brien_" + "x" * 61)[:61]
    pg_server.execute(f'CREATE DATABASE "{name}"')
    pg_server.create_role("alice")
    try:
        from sqlalchemy.engine import make_url

        owner_url = make_url(pg_server.url("postgres")).set(database=name)
        alice_url = owner_url.set(username="alice")
        with open_project(owner_url.render_as_string(hide_password=False)) as owner:
            grant(owner, "alice", "annotator")
        with open_project(alice_url.render_as_string(hide_password=False)) as alice:
            assert my_roles(alice) == ["annotator"]
        with open_project(owner_url.render_as_string(hide_password=False)) as owner:
            assert roles_of(owner.repo.engine, "alice") == ["annotator"]
            revoke(owner, "alice", "annotator")
            assert roles_of(owner.repo.engine, "alice") == []
    finally:
        pg_server.drop_database(name)


def test_grant_refusals_are_one_line(
    team: tuple[str, dict[str, str]], capsys: pytest.CaptureFixture[str]
) -> None:
    from annotator.cli import main as cli_main

    _doc_id, urls = team
    with open_project(urls["alice"]) as alice, pytest.raises(StorageError, match="owner"):
        grant(alice, "bob", "admin")
    with (
        open_project(urls["owner"]) as owner,
        pytest.raises(StorageError, match="no database user"),
    ):
        grant(owner, "nobody_here", "annotator")
    for url, user in ((urls["alice"], "bob"), (urls["owner"], "nobody_here")):
        code = cli_main(["grant", "--project", url, user, "admin"])
        err = capsys.readouterr().err
        assert code == 2
        assert "Traceback" not in err and "ProgrammingError" not in err
        assert len(err.strip().splitlines()) == 1
    with open_project(urls["bob"]) as bob:
        assert my_roles(bob) == ["annotator"]


def test_annotators_use_only_the_schemas_labels(team: tuple[str, dict[str, str]]) -> None:
    from annotator.core.model import TargetSentiment
    from annotator.storage.errors import InvalidValue

    doc_id, urls = team
    with open_project(urls["alice"]) as alice:
        editor = alice.repo.editor(doc_id, "alice")
        with pytest.raises(InvalidValue, match="not in the project's label schema"):
            editor.put_entity(EntitySpan(new_id(), 0, 3, "PWNED"), new=True)
        span = EntitySpan(new_id(), 0, 3, "PERSON")
        editor.put_entity(span, new=True)
        with pytest.raises(InvalidValue, match="not in the project's label schema"):
            editor.put_entity(EntitySpan(span.id, 0, 3, "PWNED"))  # through a write function
        with pytest.raises(InvalidValue, match="not in the project's label schema"):
            editor.put_target(TargetSentiment(new_id(), span.id, "ecstatic"))
        engine = make_engine(urls["alice"])
        try:
            with engine.begin() as conn, pytest.raises(Exception, match="beyond the end"):
                conn.execute(
                    text("SELECT annotator_update_span(:i, :d, 0, 1000000, 'PERSON', :a, now())"),
                    {"i": span.id, "d": doc_id, "a": alice.repo.annotator_id("alice")},
                )
            with engine.begin() as conn, pytest.raises(Exception, match="status"):
                conn.execute(
                    text("SELECT annotator_set_status(:d, 'pwned', NULL, now())"), {"d": doc_id}
                )
        finally:
            engine.dispose()
    with open_project(urls["owner"]) as owner:  # the owner (imports) may bring new labels
        owner.repo.editor(doc_id, "owner").put_entity(EntitySpan(new_id(), 0, 3, "NEW"), new=True)


def test_an_annotator_edit_is_one_statement(team: tuple[str, dict[str, str]]) -> None:
    from sqlalchemy import event

    doc_id, urls = team
    with open_project(urls["alice"]) as alice:
        session = DocumentSession(alice, doc_id)
        session.apply(session.new_entity(0, 3, "PERSON"))  # the first edit stamps the document
        [span_id] = session.annotations.entities
        statements: list[str] = []

        def count(_conn, _cursor, statement, *_args) -> None:  # type: ignore[no-untyped-def]
            statements.append(statement)

        event.listen(alice.repo.engine, "before_cursor_execute", count)
        session.apply(session.new_entity(4, 8, "ORG"))
        session.put_entity(EntitySpan(span_id, 0, 5, "ORG", "alice"))
        session.delete_entity(span_id)
        event.remove(alice.repo.engine, "before_cursor_execute", count)
        assert len(statements) == 3, statements


def test_an_old_team_project_is_upgraded_to_the_new_grants(pg_server, pg_database: str) -> None:  # type: ignore[no-untyped-def]
    from alembic import command

    from annotator.storage.migrate import alembic_config

    pg_server.create_role("alice")
    engine = make_engine(pg_database)
    database = pg_database.rsplit("/", 1)[1]
    group = f"{database}_annotator"
    with engine.begin() as conn:  # revision 0002 with the grants older versions gave
        command.upgrade(alembic_config(conn), "0002")
        for role in ROLES:
            conn.execute(text(f'CREATE ROLE "{database}_{role}" NOLOGIN'))
        conn.execute(text(f'GRANT SELECT, INSERT, UPDATE, DELETE ON entity_spans TO "{group}"'))
        conn.execute(text(f'GRANT SELECT ON alembic_version, documents TO "{group}"'))
        conn.execute(text(f'GRANT "{group}" TO alice'))
    engine.dispose()
    with open_project(pg_database) as owner:
        assert roles_of(owner.repo.engine, "alice") == ["annotator"]
    alice = make_engine(pg_server.url(database, user="alice"))
    try:
        with alice.connect() as conn, pytest.raises(Exception, match="permission denied"):
            conn.execute(text("LOCK TABLE entity_spans IN ACCESS EXCLUSIVE MODE"))
        with alice.connect() as conn:  # tables of later revisions got the team's grants too
            assert conn.scalar(text("SELECT has_table_privilege('suggestions', 'INSERT')"))
    finally:
        alice.dispose()


def test_the_locks_an_annotator_may_take_block_no_one(
    team: tuple[str, dict[str, str]], monkeypatch: pytest.MonkeyPatch
) -> None:
    """INSERT and SELECT grants allow ROW EXCLUSIVE and ACCESS SHARE locks only: held in an
    open transaction, they keep no other analyst from reading or editing."""
    doc_id, urls = team
    monkeypatch.setattr(postgres, "LOCK_TIMEOUT_MS", 2000)
    holder = make_engine(urls["alice"])
    try:
        with holder.connect() as conn, conn.begin():
            for table in ("entity_spans", "claims", "target_sentiments", "document_sentiments"):
                conn.execute(text(f"LOCK TABLE {table} IN ROW EXCLUSIVE MODE"))
            conn.execute(text("LOCK TABLE documents IN ACCESS SHARE MODE"))
            # and the document's row, by a status change left uncommitted
            conn.execute(
                text("SELECT annotator_set_status(:d, 'done', NULL, now())"), {"d": doc_id}
            )
            with open_project(urls["bob"]) as bob:
                session = DocumentSession(bob, doc_id)
                session.apply(session.new_entity(0, 3, "PERSON"))
                [span_id] = session.annotations.entities
                session.put_entity(EntitySpan(span_id, 0, 5, "ORG", "bob"))
                session.delete_entity(span_id)
            with open_project(urls["owner"]) as owner:
                assert owner.repo.stats().documents == 1
    finally:
        holder.dispose()


def test_a_user_without_a_role_is_refused_in_one_line(pg_server, pg_database: str) -> None:  # type: ignore[no-untyped-def]
    pg_server.create_role("eve")
    with open_project(pg_database) as owner:
        doc_id, _ = owner.repo.add_document(NewDocument(title="t", text=TEXT))
        span = EntitySpan(new_id(), 0, 3, "PERSON", "owner")
        owner.repo.editor(doc_id, "owner").put_entity(span, new=True)
    database = pg_database.rsplit("/", 1)[1]
    pg_server.execute("GRANT SELECT ON ALL TABLES IN SCHEMA public TO eve", database=database)
    pg_server.execute("GRANT INSERT ON annotators TO eve", database=database)
    with open_project(pg_server.url(database, user="eve")) as eve:
        editor = eve.repo.editor(doc_id, "eve")
        with pytest.raises(NotPermitted, match="belongs to owner"):
            editor.put_entity(EntitySpan(span.id, 0, 5, "ORG", "eve"))
        with pytest.raises(NotPermitted, match="not given you a role"):
            editor.set_document_sentiment(None)
