"""Every command of the workbench as a QAction, in menus and the toolbar.

Actions carry a "group" property that the keyboard-shortcuts dialog shows. The actions
know no window: they get the menu bar, a registry that makes each action's shortcut work
(`ActionRegistry.register`), the document model and editor, and one callable per command
(`WorkbenchCommands`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from PySide6.QtCore import QObject, Qt
from PySide6.QtGui import QAction, QActionGroup, QKeySequence
from PySide6.QtWidgets import QLabel, QMenu, QMenuBar, QToolBar, QWidget

from annotator.core.model import Status
from annotator.ui.document_list import STATUS_TEXT
from annotator.ui.document_model import DocumentModel
from annotator.ui.editing import AnnotationEditor
from annotator.ui.plain import menu_text, plain_tooltip

STATUS_KEYS = {Status.TODO: "Ctrl+T", Status.IN_PROGRESS: "Ctrl+I", Status.DONE: "Ctrl+D"}


class ActionRegistry:
    """Actions whose shortcuts work in `host` (or in one widget), listed for the shortcuts
    dialog. `register` is the callback helpers get to add their own actions."""

    def __init__(self, host: QWidget) -> None:
        self.host = host
        self.all: list[QAction] = []

    def register(self, action: QAction, widget: QWidget | None = None) -> QAction:
        (widget or self.host).addAction(action)
        self.all.append(action)
        return action

    def forget(self, action: QAction) -> None:
        for widget in action.associatedObjects():
            if isinstance(widget, QWidget):
                widget.removeAction(action)
        self.all.remove(action)
        action.deleteLater()


@dataclass(frozen=True)
class WorkbenchCommands:
    """What the menu commands do (each a callable; no object behind them is needed)."""

    new_project: Callable[[], object]
    open_project: Callable[[], object]
    connect_server: Callable[[], object]
    open_location: Callable[[str], object]
    recent_projects: Callable[[], list[str]]
    clear_recent_projects: Callable[[], object]
    import_files: Callable[[], object]
    import_folder: Callable[[], object]
    export: Callable[[], object]
    quit: Callable[[], object]
    edit_schema: Callable[[], object]
    step_annotation: Callable[[int], object]
    done_and_next: Callable[[], object]
    next_unfinished: Callable[[], object]
    step_document: Callable[[int], object]
    focus_search: Callable[[], object]
    focus_list: Callable[[], object]
    focus_article: Callable[[], object]
    focus_speaker: Callable[[], object]
    set_theme: Callable[[str], object]
    reset_layout: Callable[[], object]
    step_text_size: Callable[[int], object]
    set_inline_tags: Callable[[bool], object]
    show_shortcuts: Callable[[], object]
    show_about: Callable[[], object]
    open_log_folder: Callable[[], object]


class WorkbenchActions(QObject):
    """Builds the menus of `menu_bar` and the main toolbar; label actions follow the schema.

    `article` is the widget in which Alt+Down / Alt+Up walk the annotations (the same
    navigator as `]` / `[`, which work anywhere in the window).
    """

    def __init__(
        self,
        menu_bar: QMenuBar,
        registry: ActionRegistry,
        model: DocumentModel,
        editor: AnnotationEditor,
        commands: WorkbenchCommands,
        article: QWidget,
    ) -> None:
        super().__init__(registry.host)
        self.menu_bar = menu_bar
        self.registry = registry
        self.model = model
        self.editor = editor
        self.commands = commands
        host = registry.host
        self.all = registry.all

        file_menu = menu_bar.addMenu("&File")
        self.new_project = self._make(
            "&New project…", "File", commands.new_project, QKeySequence.StandardKey.New
        )
        self.open_project = self._make(
            "&Open project…", "File", commands.open_project, QKeySequence.StandardKey.Open
        )
        self.connect_server = self._make("&Connect to server…", "File", commands.connect_server)
        self.recent_menu = QMenu("&Recent projects", host)
        self.recent_menu.aboutToShow.connect(self._fill_recent)
        self.import_files = self._make(
            "&Import articles…", "File", commands.import_files, "Ctrl+Shift+O"
        )
        self.import_folder = self._make("Import &folder…", "File", commands.import_folder)
        self.export = self._make("&Export…", "File", commands.export, "Ctrl+E")
        self.quit = self._make("&Quit", "File", commands.quit, QKeySequence.StandardKey.Quit)
        file_menu.addActions([self.new_project, self.open_project, self.connect_server])
        file_menu.addMenu(self.recent_menu)
        file_menu.addSeparator()
        file_menu.addActions([self.import_files, self.import_folder, self.export])
        file_menu.addSeparator()
        file_menu.addAction(self.quit)

        edit_menu = menu_bar.addMenu("&Edit")
        group = model.undo_group
        self.undo = self._make("&Undo", "Edit", model.undo, QKeySequence.StandardKey.Undo)
        self.redo = self._make("&Redo", "Edit", model.redo, QKeySequence.StandardKey.Redo)
        group.canUndoChanged.connect(self.undo.setEnabled)
        group.canRedoChanged.connect(self.redo.setEnabled)
        group.undoTextChanged.connect(lambda t: self.undo.setText(f"&Undo {t}".strip()))
        group.redoTextChanged.connect(lambda t: self.redo.setText(f"&Redo {t}".strip()))
        self.undo.setEnabled(group.canUndo())
        self.redo.setEnabled(group.canRedo())
        # both common redo keys, whichever the platform lists first (Ctrl+Y or Ctrl+Shift+Z)
        redo_keys = [QKeySequence(QKeySequence.StandardKey.Redo), QKeySequence("Ctrl+Shift+Z")]
        self.redo.setShortcuts(list(dict.fromkeys(k for k in redo_keys if not k.isEmpty())))
        self.delete = self._make(
            "&Delete selected annotation",
            "Edit",
            editor.delete_selected,
            QKeySequence.StandardKey.Delete,
        )
        self.schema = self._make("&Label schema…", "Edit", commands.edit_schema)
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
        step = commands.step_annotation
        self.next_annotation = self._make(
            "Select &next annotation", "Annotate", lambda: step(1), "]"
        )
        self.previous_annotation = self._make(
            "Select &previous annotation", "Annotate", lambda: step(-1), "["
        )
        # the same navigator on Alt+Down / Alt+Up, in the article view only (elsewhere
        # those keys open combo boxes and move through lists)
        self.next_annotation_in_text = self._make(
            "Select next annotation", "Annotate", lambda: step(1), "Alt+Down", widget=article
        )
        self.previous_annotation_in_text = self._make(
            "Select previous annotation", "Annotate", lambda: step(-1), "Alt+Up", widget=article
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
        self.status_group = QActionGroup(host)
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
            "Mark done and go to &next unfinished",
            "Document",
            commands.done_and_next,
            "Ctrl+Return",
        )
        self.next_unfinished = self._make(
            "Next &unfinished document", "Document", commands.next_unfinished, "Alt+Right"
        )
        self.next_document = self._make(
            "Ne&xt document", "Document", lambda: commands.step_document(1), "Alt+PgDown"
        )
        self.previous_document = self._make(
            "P&revious document", "Document", lambda: commands.step_document(-1), "Alt+PgUp"
        )
        doc_menu.addActions(
            [self.done_and_next, self.next_unfinished, self.next_document, self.previous_document]
        )

        view_menu = menu_bar.addMenu("&View")
        self.focus_search = self._make(
            "Find &document…", "View", commands.focus_search, QKeySequence.StandardKey.Find
        )
        self.focus_list = self._make("Go to document &list", "View", commands.focus_list, "Ctrl+L")
        self.focus_article = self._make("Go to &article text", "View", commands.focus_article, "F6")
        self.focus_speaker = self._make(
            "Go to claim &speaker", "View", commands.focus_speaker, "Ctrl+K"
        )
        view_menu.addActions(
            [self.focus_search, self.focus_list, self.focus_article, self.focus_speaker]
        )
        view_menu.addSeparator()
        self.inline_tags = self._make(
            "Label &names on spans",
            "View",
            lambda: commands.set_inline_tags(self.inline_tags.isChecked()),
        )
        self.inline_tags.setCheckable(True)
        resize = commands.step_text_size
        self.larger_text = self._make("&Larger text", "View", lambda: resize(1), "Ctrl++")
        self.larger_text.setShortcuts([QKeySequence("Ctrl++"), QKeySequence("Ctrl+=")])
        self.smaller_text = self._make("S&maller text", "View", lambda: resize(-1), "Ctrl+-")
        self.normal_text = self._make("Normal text si&ze", "View", lambda: resize(0), "Ctrl+0")
        view_menu.addActions(
            [self.inline_tags, self.larger_text, self.smaller_text, self.normal_text]
        )
        view_menu.addSeparator()
        self.panels_menu = view_menu.addMenu("&Panels")
        self.reset_layout = self._make("&Reset layout", "View", commands.reset_layout)
        theme_menu = view_menu.addMenu("&Theme")
        self.theme_group = QActionGroup(host)
        self.themes: dict[str, QAction] = {}
        for name in ("system", "light", "dark"):
            action = self._make(
                f"{name.capitalize()}", "View", lambda _=False, n=name: commands.set_theme(n)
            )
            action.setCheckable(True)
            action.setActionGroup(self.theme_group)
            theme_menu.addAction(action)
            self.themes[name] = action

        help_menu = menu_bar.addMenu("&Help")
        self.shortcuts = self._make(
            "&Keyboard shortcuts",
            "Help",
            commands.show_shortcuts,
            QKeySequence.StandardKey.HelpContents,
        )
        self.about = self._make("&About Annotator", "Help", commands.show_about)
        self.log_folder = self._make("Open &log folder", "Help", commands.open_log_folder)
        help_menu.addActions([self.shortcuts, self.log_folder, self.about])

        self.toolbar = QToolBar("Main toolbar", host)
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

        self.model.schemaChanged.connect(self.rebuild_schema_actions)
        self.model.statusChanged.connect(self.show_status)
        self.model.documentChanged.connect(self.show_status)
        self.model.annotationsReset.connect(self.show_status)
        self.rebuild_schema_actions()
        self.show_status()

    # -- helpers -------------------------------------------------------------------------
    def _make(
        self,
        text: str,
        group: str,
        slot: Callable[..., object],
        shortcut: QKeySequence.StandardKey | str | None = None,
        widget: QWidget | None = None,
    ) -> QAction:
        action = QAction(text, self.registry.host)
        action.setProperty("group", group)
        if shortcut is not None:
            action.setShortcut(QKeySequence(shortcut))
        context = Qt.ShortcutContext.WindowShortcut
        if widget is not None:
            context = Qt.ShortcutContext.WidgetWithChildrenShortcut
        action.setShortcutContext(context)
        action.triggered.connect(lambda _checked=False: slot())
        self.registry.register(action, widget)
        return action

    def _forget(self, action: QAction) -> None:
        self.registry.forget(action)

    def rebuild_schema_actions(self) -> None:
        """Label, claim and sentiment actions with the schema's hotkeys."""
        editor = self.editor
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
        for menu_action in self.menu_bar.actions():
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
        undo = QAction("Undo", self.registry.host)
        redo = QAction("Redo", self.registry.host)
        undo.triggered.connect(lambda _checked=False: self.model.undo())
        redo.triggered.connect(lambda _checked=False: self.model.redo())
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
        recent = self.commands.recent_projects()
        open_location = self.commands.open_location
        for location in recent:
            action = self.recent_menu.addAction(menu_text(location))
            action.triggered.connect(lambda _=False, loc=location: open_location(loc))
        if not recent:
            self.recent_menu.addAction("(none)").setEnabled(False)
        else:
            self.recent_menu.addSeparator()
            clear = self.recent_menu.addAction("Clear list")
            clear.triggered.connect(lambda _=False: self.commands.clear_recent_projects())
