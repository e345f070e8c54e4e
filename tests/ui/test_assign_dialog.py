"""Team ▸ Assign documents on a PostgreSQL project, driven with the mouse and keyboard."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMenu

from annotator.core.model import Status
from annotator.services.project import open_project
from annotator.services.team import assign, assignments, grant, revoke, setup_roles
from annotator.storage import NewDocument
from annotator.ui.dialogs.assign_dialog import NAME_ROLE, AssignDialog
from annotator.ui.main_window import MainWindow

# Opening a menu popup on the offscreen platform logs these limitations of the plugin.
pytestmark = [
    pytest.mark.gui,
    pytest.mark.qt_log_ignore("does not support raise", "does not support grabbing the keyboard"),
]

TITLES = ["Talks in 北京 🇨🇳", "Zoë & <b>Partners</b>", "مرحبا markets 👨‍👩‍👧"]
Team = tuple[list[str], dict[str, str]]


@pytest.fixture
def team(pg_server, pg_database: str) -> Iterator[Team]:  # type: ignore[no-untyped-def]
    """Three documents; dora is an admin, alice and bob annotators."""
    for user in ("alice", "bob", "dora"):
        pg_server.create_role(user)
    with open_project(pg_database) as owner:
        ids = [
            owner.repo.add_document(NewDocument(title=t, text=f"{t} — article text."))[0]
            for t in TITLES
        ]
        setup_roles(owner)
        grant(owner, "alice", "annotator")
        grant(owner, "bob", "annotator")
        grant(owner, "dora", "admin")
    database = pg_database.rsplit("/", 1)[1]
    urls = {u: pg_server.url(database, user=u) for u in ("alice", "bob", "dora")}
    urls["owner"] = pg_database
    yield ids, urls


def open_team_menu(qtbot, window: MainWindow) -> QMenu:  # type: ignore[no-untyped-def]
    bar = window.menuBar()
    menu = window.team.menu
    where = bar.actionGeometry(menu.menuAction()).center()
    qtbot.mouseClick(bar, Qt.MouseButton.LeftButton, pos=where)
    qtbot.waitUntil(menu.isVisible)
    return menu


def open_assign_dialog(qtbot, window: MainWindow) -> AssignDialog:  # type: ignore[no-untyped-def]
    menu = open_team_menu(qtbot, window)
    action = window.team.assign_documents
    assert action.isEnabled()
    qtbot.mouseClick(menu, Qt.MouseButton.LeftButton, pos=menu.actionGeometry(action).center())
    qtbot.waitUntil(lambda: window.team.dialog is not None and window.team.dialog.isVisible())
    dialog = window.team.dialog
    assert dialog is not None
    return dialog


def click_row(qtbot, dialog: AssignDialog, row: int, ctrl: bool = False) -> None:  # type: ignore[no-untyped-def]
    table = dialog.documents
    rect = table.visualRect(table.model().index(row, 0))
    modifier = Qt.KeyboardModifier.ControlModifier if ctrl else Qt.KeyboardModifier.NoModifier
    qtbot.mouseClick(table.viewport(), Qt.MouseButton.LeftButton, modifier, rect.center())


def click_analyst(qtbot, dialog: AssignDialog, name: str) -> None:  # type: ignore[no-untyped-def]
    analysts = dialog.analysts
    names = [analysts.item(i).data(NAME_ROLE) for i in range(analysts.count())]
    item = analysts.item(names.index(name))
    rect = dialog.analysts.visualItemRect(item)
    qtbot.mouseClick(dialog.analysts.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())


def wait_for_assignment_news(qtbot, window: MainWindow) -> None:  # type: ignore[no-untyped-def]
    """Poll the change feed by hand until it reports an assignment change (NOTIFY is async),
    and let the list apply it (it reads on a worker)."""
    heard: set[str] = set()
    window.live.polled.connect(lambda changes: heard.update(c.kind for c in changes))

    def poll() -> bool:
        window.live.poll(force=True)
        return "assignments" in heard

    qtbot.waitUntil(poll)
    qtbot.waitUntil(lambda: not window.documents.pending())


def assigned_column(window: MainWindow) -> list[str]:
    model = window.documents.table_model
    return [model.index(r, 4).data() for r in range(model.rowCount())]


def test_admin_assigns_two_documents_then_unassigns_one(qtbot, open_window, team: Team) -> None:  # type: ignore[no-untyped-def]
    ids, urls = team
    window = open_window(open_project(urls["dora"]))
    window.live.timer.stop()  # this client's own change must show without the feed
    window.project.repo.set_status(ids[1], Status.DONE)
    assert window.documents.table_model.headers[-1] == "Assigned to"
    assert assigned_column(window) == ["", "", ""]

    dialog = open_assign_dialog(qtbot, window)
    assert dialog.visible_ids() == ids
    assert [dialog.documents.item(r, 0).text() for r in range(3)] == TITLES  # shown literally
    analysts = [dialog.analysts.item(i).text() for i in range(dialog.analysts.count())]
    assert {"alice (annotator)", "bob (annotator)", "dora (admin)"} <= set(analysts)
    assert not dialog.assign_button.isEnabled()  # nothing selected yet

    click_row(qtbot, dialog, 0)
    click_row(qtbot, dialog, 2, ctrl=True)
    click_analyst(qtbot, dialog, "bob")
    assert dialog.selected_documents() == [ids[0], ids[2]]
    assert dialog.selected_analysts() == ["bob"]
    qtbot.mouseClick(dialog.assign_button, Qt.MouseButton.LeftButton)
    assert dialog.message.text() == "Assigned 2 documents to bob (2 new assignments)."
    assert [dialog.documents.item(r, 2).text() for r in range(3)] == ["bob", "—", "bob"]
    qtbot.waitUntil(lambda: assigned_column(window) == ["bob", "", "bob"])
    assert assignments(window.project) == {ids[0]: ["bob"], ids[2]: ["bob"]}

    qtbot.mouseClick(dialog.unassigned_only, Qt.MouseButton.LeftButton)
    assert dialog.visible_ids() == [ids[1]]
    dialog.unassigned_only.setFocus()
    qtbot.keyClick(dialog.unassigned_only, Qt.Key.Key_Space)  # and back, by keyboard
    assert dialog.visible_ids() == ids

    click_row(qtbot, dialog, 2)  # a plain click: only this document
    assert dialog.selected_documents() == [ids[2]]
    assert dialog.selected_analysts() == ["bob"]  # still chosen
    qtbot.mouseClick(dialog.unassign_button, Qt.MouseButton.LeftButton)
    assert dialog.message.text() == "Unassigned 1 document from bob (1 assignment removed)."
    qtbot.waitUntil(lambda: assigned_column(window) == ["bob", "", ""])
    assert assignments(window.project) == {ids[0]: ["bob"]}

    dialog.status_filter.setFocus()
    for _ in range(3):  # All statuses -> To do -> In progress -> Done
        qtbot.keyClick(dialog.status_filter, Qt.Key.Key_Down)
    assert dialog.status_filter.currentText() == "Done"
    assert dialog.visible_ids() == [ids[1]]
    qtbot.keyClick(dialog.status_filter, Qt.Key.Key_Up)
    assert dialog.visible_ids() == []  # nothing is in progress

    window.live.poll()  # baseline
    with open_project(urls["owner"], lock=False) as owner:  # another client assigns
        assign(owner, [ids[1]], ["alice"])
    wait_for_assignment_news(qtbot, window)
    qtbot.keyClick(dialog.status_filter, Qt.Key.Key_Home)
    assert [dialog.documents.item(r, 2).text() for r in range(3)] == ["bob", "alice", "—"]
    assert assigned_column(window) == ["bob", "alice", ""]
    qtbot.keyClick(dialog, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: window.team.dialog is None)


def test_a_revoked_admin_gets_a_clear_refusal(qtbot, open_window, team: Team) -> None:  # type: ignore[no-untyped-def]
    _ids, urls = team
    window = open_window(open_project(urls["dora"]))
    window.live.timer.stop()
    dialog = open_assign_dialog(qtbot, window)
    owner = open_project(urls["owner"], lock=False)
    revoke(owner, "dora", "admin")
    click_row(qtbot, dialog, 1)
    click_analyst(qtbot, dialog, "alice")
    qtbot.mouseClick(dialog.assign_button, Qt.MouseButton.LeftButton)
    message = dialog.message.text()
    assert message.startswith("Nothing was assigned: the server refused this change: ")
    assert "permission denied" in message
    assert message.endswith("Only the project's owner or an admin can assign documents.")
    assert dialog.message.property("error") is True
    assert assignments(owner) == {}
    owner.close()
    assert window.team.check_permission() is not None  # the menu now says why, too
    assert not window.team.assign_documents.isEnabled()


def test_annotator_sees_action_disabled_and_filters_to_own(qtbot, open_window, team: Team) -> None:  # type: ignore[no-untyped-def]
    ids, urls = team
    window = open_window(open_project(urls["alice"]))
    window.live.timer.stop()  # the test polls by hand
    window.live.poll()  # baseline
    menu = open_team_menu(qtbot, window)
    action = window.team.assign_documents
    assert not action.isEnabled()
    assert "your project roles: annotator" in action.toolTip()
    qtbot.keyClick(menu, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: not menu.isVisible())
    assert window.team.open_dialog() is None and window.team.dialog is None

    with open_project(urls["dora"], lock=False) as dora:  # another client assigns
        assign(dora, [ids[1]], ["alice"])
        assign(dora, [ids[2]], ["bob"])
    wait_for_assignment_news(qtbot, window)
    assert assigned_column(window) == ["", "alice", "bob"]
    tip = window.documents.table_model.index(1, 4).data(Qt.ItemDataRole.ToolTipRole)
    assert "Assigned to alice" in tip

    mine = window.documents.mine_only
    assert mine.isVisible()
    qtbot.mouseClick(mine, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: window.documents.visible_ids() == [ids[1]])
    qtbot.mouseClick(mine, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: window.documents.visible_ids() == ids)


def test_sqlite_projects_have_the_action_disabled(qtbot, open_window, make_project) -> None:  # type: ignore[no-untyped-def]
    window = open_window(make_project("An article on the local project."))
    action = window.team.assign_documents
    assert not action.isEnabled()
    assert "needs a project on a PostgreSQL server" in action.toolTip()
    assert window.documents.table_model.columnCount() == 4
    assert not window.documents.mine_only.isVisible()
