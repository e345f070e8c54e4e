"""Every command of the workbench as a QAction, in menus and the toolbar.

Actions carry a "group" property that the keyboard-shortcuts dialog shows.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Qt
from PySide6.QtGui import QAction, QActionGroup, QKeySequence
from PySide6.QtWidgets import QLabel, QMenu, QToolBar

from annotator.core.model import Status
from annotator.ui.document_list import STATUS_TEXT
from annotator.ui.plain import menu_text, plain_tooltip

if TYPE_CHECKING:
    from annotator.ui.main_window import MainWindow

STATUS_KEYS = {Status.TODO: "Ctrl+T", Status.IN_PROGRESS: "Ctrl+I", Status.DONE: "Ctrl+D"}


class WorkbenchActions(QObject):
    """Builds the menu bar and toolbar of `window`; label actions follow the schema."""

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self.window = window
        self.model = window.model
        editor = window.editor
        files = window.files
        self.all: list[QAction] = []

        menu_bar = window.menuBar()
        file_menu = menu_bar.addMenu("&File")
        self.new_project = self._make(
            "&New project…", "File", files.new_project, QKeySequence.StandardKey.New
        )
        self.open_project = self._make(
            "&Open project…", "File", files.open_project, QKeySequence.StandardKey.Open
        )
        self.connect_server = self._make("&Connect to server…", "File", files.connect_server)
        self.recent_menu = QMenu("&Recent projects", window)
        self.recent_menu.aboutToShow.connect(self._fill_recent)
        self.import_files = self._make(
            "&Import articles…", "File", files.import_files, "Ctrl+Shift+O"
        )
        self.import_folder = self._make("Import &folder…", "File", files.import_folder)
        self.export = self._make("&Export…", "File", files.export, "Ctrl+E")
        self.quit = self._make("&Quit", "File", window.close, QKeySequence.StandardKey.Quit)
        file_menu.addActions([self.new_project, self.open_project, self.connect_server])
        file_menu.addMenu(self.recent_menu)
        file_menu.addSeparator()
        file_menu.addActions([self.import_files, self.import_folder, self.export])
        file_menu.addSeparator()
        file_menu.addAction(self.quit)

        edit_menu = menu_bar.addMenu("&Edit")
        self.undo = self.model.undo_group.createUndoAction(window, "&Undo")
        self.undo.setShortcut(QKeySequence.StandardKey.Undo)
        self.redo = self.model.undo_group.createRedoAction(window, "&Redo")
        self.redo.setShortcut(QKeySequence.StandardKey.Redo)
        for action in (self.undo, self.redo):
            action.setProperty("group", "Edit")
            self.all.append(action)
        self.delete = self._make(
            "&Delete selected annotation",
            "Edit",
            editor.delete_selected,
            QKeySequence.StandardKey.Delete,
        )
        self.schema = self._make("&Label schema…", "Edit", window.edit_schema)
        edit_menu.addActions([self.undo, self.redo])
        edit_menu.addSeparator()
        edit_menu.addAction(self.delete)
        edit_menu.addSeparator()
        edit_menu.addAction(self.schema)

        self.annotate_menu = menu_bar.addMenu("&Annotate")
        self.tag: dict[str, QAction] = {}
        self.claim: QAction | None = None
        self.document_sentiment: dict[str, QAction] = {}
        self.target_sentiment: dict[str, QAction] = {}
        self._schema_actions: list[QAction] = []
        self.next_annotation = self._make(
            "Select &next annotation", "Annotate", lambda: window.step_annotation(1), "]"
        )
        self.previous_annotation = self._make(
            "Select &previous annotation", "Annotate", lambda: window.step_annotation(-1), "["
        )
        self.clear_document_sentiment = self._make(
            "Clear document sentiment",
            "Sentiment",
            lambda: editor.set_document_sentiment(None),
            "Alt+0",
        )
        self.clear_target_sentiment = self._make(
            "Clear sentiment toward entity",
            "Sentiment",
            lambda: editor.set_target_sentiment(None),
            "Alt+Shift+0",
        )

        doc_menu = menu_bar.addMenu("&Document")
        self.status_group = QActionGroup(window)
        self.status: dict[Status, QAction] = {}
        for status, text in STATUS_TEXT.items():
            action = self._make(
                f"Mark “{text}”",
                "Document",
                lambda _=False, s=status: editor.set_status(s),
                STATUS_KEYS[status],
            )
            action.setCheckable(True)
            action.setActionGroup(self.status_group)
            self.status[status] = action
            doc_menu.addAction(action)
        doc_menu.addSeparator()
        self.done_and_next = self._make(
            "Mark done and go to &next unfinished", "Document", window.done_and_next, "Ctrl+Return"
        )
        self.next_unfinished = self._make(
            "Next &unfinished document", "Document", window.go_next_unfinished, "Alt+Right"
        )
        self.next_document = self._make(
            "Ne&xt document", "Document", lambda: window.step_document(1), "Alt+PgDown"
        )
        self.previous_document = self._make(
            "P&revious document", "Document", lambda: window.step_document(-1), "Alt+PgUp"
        )
        doc_menu.addActions(
            [self.done_and_next, self.next_unfinished, self.next_document, self.previous_document]
        )

        view_menu = menu_bar.addMenu("&View")
        self.focus_search = self._make(
            "Find &document…", "View", window.focus_search, QKeySequence.StandardKey.Find
        )
        self.focus_list = self._make(
            "Go to document &list", "View", window.documents.table.setFocus, "Ctrl+L"
        )
        self.focus_article = self._make("Go to &article text", "View", window.view.setFocus, "F6")
        self.focus_speaker = self._make(
            "Go to claim &speaker", "View", window.claims.speaker.setFocus, "Ctrl+K"
        )
        view_menu.addActions(
            [self.focus_search, self.focus_list, self.focus_article, self.focus_speaker]
        )
        view_menu.addSeparator()
        self.panels_menu = view_menu.addMenu("&Panels")
        theme_menu = view_menu.addMenu("&Theme")
        self.theme_group = QActionGroup(window)
        self.themes: dict[str, QAction] = {}
        for name in ("system", "light", "dark"):
            action = self._make(
                f"{name.capitalize()}", "View", lambda _=False, n=name: window.set_theme(n)
            )
            action.setCheckable(True)
            action.setActionGroup(self.theme_group)
            theme_menu.addAction(action)
            self.themes[name] = action

        help_menu = menu_bar.addMenu("&Help")
        self.shortcuts = self._make(
            "&Keyboard shortcuts",
            "Help",
            window.show_shortcuts,
            QKeySequence.StandardKey.HelpContents,
        )
        self.about = self._make("&About Annotator", "Help", window.show_about)
        help_menu.addActions([self.shortcuts, self.about])

        self.toolbar = QToolBar("Main toolbar", window)
        self.toolbar.setObjectName("main_toolbar")
        self.toolbar.setAccessibleName("Main toolbar")
        self.toolbar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        self.toolbar.addActions(self._toolbar_history())
        self.toolbar.addSeparator()
        status_label = QLabel("Status:")
        status_label.setContentsMargins(6, 0, 4, 0)
        self.toolbar.addWidget(status_label)
        for status, action in self.status.items():
            action.setIconText(STATUS_TEXT[status])
        self.toolbar.addActions(list(self.status.values()))
        self.previous_document.setIconText("◂ Previous")
        self.next_unfinished.setIconText("Next unfinished ▸")
        self.done_and_next.setIconText("Done && next ▸")
        self.toolbar.addSeparator()
        self.toolbar.addActions([self.previous_document, self.next_unfinished, self.done_and_next])
        window.addToolBar(self.toolbar)

        self.model.schemaChanged.connect(self.rebuild_schema_actions)
        self.model.statusChanged.connect(self.show_status)
        self.model.documentChanged.connect(self.show_status)
        self.rebuild_schema_actions()
        self.show_status()

    # -- helpers -------------------------------------------------------------------------
    def _make(
        self,
        text: str,
        group: str,
        slot: Callable[..., object],
        shortcut: QKeySequence.StandardKey | str | None = None,
    ) -> QAction:
        action = QAction(text, self.window)
        action.setProperty("group", group)
        if shortcut is not None:
            action.setShortcut(QKeySequence(shortcut))
        action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
        action.triggered.connect(lambda _checked=False: slot())
        self.window.addAction(action)
        self.all.append(action)
        return action

    def _forget(self, action: QAction) -> None:
        self.window.removeAction(action)
        self.all.remove(action)
        action.deleteLater()

    def rebuild_schema_actions(self) -> None:
        """Label, claim and sentiment actions with the schema's hotkeys."""
        editor = self.window.editor
        for action in self._schema_actions:
            self._forget(action)
        self._schema_actions = []
        self.annotate_menu.clear()
        schema = self.model.schema
        self.tag = {}
        for label in schema.entity_labels:
            action = self._make(
                menu_text(f"Tag as {label.name}"),
                "Entity labels",
                lambda n=label.name: editor.apply_label(n),
                label.hotkey or None,
            )
            self.tag[label.name] = action
        self.claim = self._make(
            "Mark selection as a &claim", "Claims", editor.mark_claim, schema.claim_hotkey or None
        )
        self.document_sentiment = {}
        self.target_sentiment = {}
        for s in schema.sentiment_labels:
            key = f"Alt+{s.hotkey}" if s.hotkey else None
            self.document_sentiment[s.name] = self._make(
                menu_text(f"Document sentiment: {s.name}"),
                "Sentiment",
                lambda n=s.name: editor.set_document_sentiment(n),
                key,
            )
            key = f"Alt+Shift+{s.hotkey}" if s.hotkey else None
            self.target_sentiment[s.name] = self._make(
                menu_text(f"Sentiment toward entity: {s.name}"),
                "Sentiment",
                lambda n=s.name: editor.set_target_sentiment(n),
                key,
            )
        self._schema_actions = [
            *self.tag.values(),
            self.claim,
            *self.document_sentiment.values(),
            *self.target_sentiment.values(),
        ]
        labels_menu = self.annotate_menu.addMenu("&Entity label")
        labels_menu.addActions(list(self.tag.values()))
        self.annotate_menu.addAction(self.claim)
        self.annotate_menu.addSeparator()
        doc_menu = self.annotate_menu.addMenu("&Document sentiment")
        doc_menu.addActions([*self.document_sentiment.values(), self.clear_document_sentiment])
        target_menu = self.annotate_menu.addMenu("Sentiment toward &entity")
        target_menu.addActions([*self.target_sentiment.values(), self.clear_target_sentiment])
        self.annotate_menu.addSeparator()
        self.annotate_menu.addActions([self.next_annotation, self.previous_annotation, self.delete])

    def reserved_alt_keys(self) -> dict[str, str]:
        """Letters and digits whose Alt (or Alt+Shift) shortcut is taken by a menu or by a
        command not made from the schema: letter -> what uses it."""
        taken: dict[str, str] = {}
        for menu_action in self.window.menuBar().actions():
            text = menu_action.text().replace("&&", "")
            at = text.find("&")
            if 0 <= at < len(text) - 1:
                taken[text[at + 1].upper()] = f"the {text.replace('&', '')} menu"
        schema_actions = set(map(id, self._schema_actions))
        for action in self.all:
            if id(action) in schema_actions:
                continue
            for key in action.shortcuts():
                parts = key.toString().split("+")
                if parts[:-1] in (["Alt"], ["Alt", "Shift"]) and len(parts[-1]) == 1:
                    taken.setdefault(parts[-1].upper(), f"“{action.text().replace('&', '')}”")
        return taken

    def _toolbar_history(self) -> list[QAction]:
        """Short Undo/Redo buttons (the menu items carry the shortcuts and full texts)."""
        group = self.model.undo_group
        undo = QAction("Undo", self.window)
        redo = QAction("Redo", self.window)
        undo.triggered.connect(group.undo)
        redo.triggered.connect(group.redo)
        group.canUndoChanged.connect(undo.setEnabled)
        group.canRedoChanged.connect(redo.setEnabled)
        group.undoTextChanged.connect(lambda t: undo.setToolTip(plain_tooltip(f"Undo {t}".strip())))
        group.redoTextChanged.connect(lambda t: redo.setToolTip(plain_tooltip(f"Redo {t}".strip())))
        undo.setEnabled(group.canUndo())
        redo.setEnabled(group.canRedo())
        return [undo, redo]

    def show_status(self) -> None:
        current = self.model.current_status()
        for status, action in self.status.items():
            action.setEnabled(current is not None)
            action.setChecked(status == current)

    def _fill_recent(self) -> None:
        self.recent_menu.clear()
        files = self.window.files
        recent = self.window.settings.recent_projects()
        for location in recent:
            action = self.recent_menu.addAction(menu_text(location))
            action.triggered.connect(lambda _=False, loc=location: files.open_location(loc))
        if not recent:
            self.recent_menu.addAction("(none)").setEnabled(False)
        else:
            self.recent_menu.addSeparator()
            clear = self.recent_menu.addAction("Clear list")
            clear.triggered.connect(self.window.settings.clear_recent_projects)
