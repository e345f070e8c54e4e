"""The Review menu: Agreement, Adjudicate, Who said what, Statistics."""

from __future__ import annotations

import logging
from collections.abc import Callable

from PySide6.QtCore import QObject
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QDialog, QMenu, QMenuBar, QWidget

from annotator.services.adjudication import adjudication_refusal
from annotator.services.errors import StorageError
from annotator.services.project import Project
from annotator.ui.plain import plain_tooltip
from annotator.ui.review.adjudication_view import AdjudicationView
from annotator.ui.review.agreement_dialog import AgreementDialog
from annotator.ui.review.statistics_dialog import StatisticsDialog
from annotator.ui.review.who_said_what import WhoSaidWhat

log = logging.getLogger(__name__)


class ReviewMenu(QObject):
    """Review ▸ …; each window is made once and raised again when asked for twice."""

    def __init__(
        self,
        project: Project,
        menu_bar: QMenuBar,
        register_action: Callable[[QAction], object],
        dialog_parent: QWidget,
        open_document: Callable[[str], object],
        current_document: Callable[[], str | None],
        select_span: Callable[[int, int], object],
        show_error: Callable[[str], object],
    ) -> None:
        super().__init__(dialog_parent)
        self.project = project
        self.dialog_parent = dialog_parent
        self.open_document = open_document
        self.current_document = current_document
        self.select_span = select_span
        self.show_error = show_error
        self.windows: dict[str, QDialog] = {}
        help_menu = menu_bar.actions()[-1]  # Review goes just before Help
        self.menu = QMenu("&Review", dialog_parent)
        menu_bar.insertMenu(help_menu, self.menu)
        self.actions: dict[str, QAction] = {}
        for key, text, tip, make in (
            ("agreement", "&Agreement…", "How far the analysts agree", self._agreement),
            ("adjudicate", "A&djudicate…", "Settle disagreements into gold", self._adjudicate),
            ("who", "&Who said what…", "Every claim of the corpus by speaker", self._who),
            ("statistics", "&Statistics…", "Charts of the project's progress", self._stats),
        ):
            action = QAction(text, dialog_parent)
            action.setProperty("group", "Review")
            action.setStatusTip(tip)
            action.triggered.connect(lambda _c=False, key=key, make=make: self.show(key, make))
            self.menu.addAction(action)
            register_action(action)
            self.actions[key] = action
        self.menu.setToolTipsVisible(True)
        self.menu.aboutToShow.connect(self.check_permission)
        self.check_permission()

    def check_permission(self) -> str | None:
        """Enable Adjudicate or say in its tooltip why not; returns the reason."""
        try:
            refusal = adjudication_refusal(self.project)
        except StorageError as exc:
            refusal = f"Cannot check your project roles: {exc}"
        action = self.actions["adjudicate"]
        action.setEnabled(refusal is None)
        action.setToolTip(plain_tooltip(refusal or "Settle disagreements into gold"))
        return refusal

    def show(self, key: str, make: Callable[[], QDialog]) -> QDialog | None:
        if key == "adjudicate":
            refusal = self.check_permission()
            if refusal is not None:
                self.show_error(refusal)
                return None
        window = self.windows.get(key)
        if window is None:
            window = make()
            self.windows[key] = window
            window.finished.connect(lambda _r, key=key: self._closed(key))
        window.show()
        window.raise_()
        window.activateWindow()
        return window

    def _closed(self, key: str) -> None:
        window = self.windows.pop(key, None)
        if window is not None:
            window.deleteLater()

    def jump(self, doc_id: str, start: int, end: int) -> None:
        """Open `doc_id` in the workbench and select [start, end) there."""
        self.open_document(doc_id)
        if self.current_document() != doc_id:
            return  # could not be opened; the workbench said why
        try:
            self.select_span(start, end)
        except ValueError:
            log.warning("span %s-%s is not in document %s", start, end, doc_id)
        self.dialog_parent.activateWindow()

    def _agreement(self) -> QDialog:
        return AgreementDialog(self.project, self.dialog_parent)

    def _adjudicate(self) -> QDialog:
        return AdjudicationView(self.project, self.dialog_parent)

    def _who(self) -> QDialog:
        return WhoSaidWhat(self.project, self.jump, self.dialog_parent)

    def _stats(self) -> QDialog:
        return StatisticsDialog(self.project, self.dialog_parent)
