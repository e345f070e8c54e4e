"""File > Connect to server: the dialog builds a password-free URL; the keychain gets the rest."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialogButtonBox

from annotator.services.credentials import KEYRING_SERVICE, forget_password, lookup_password
from annotator.ui.connect_dialog import ConnectDialog
from tests.memory_keyring import MemoryKeyring

pytestmark = pytest.mark.gui


def fill(qtbot, dialog: ConnectDialog) -> None:  # type: ignore[no-untyped-def]
    qtbot.keyClicks(dialog.host, "db.example.org")
    dialog.port.selectAll()
    qtbot.keyClicks(dialog.port, "5433")
    qtbot.keyClicks(dialog.database, "newsroom")
    qtbot.keyClicks(dialog.user, "alice")
    qtbot.keyClicks(dialog.password, "pw-secret")


def connect_button(dialog: ConnectDialog):  # type: ignore[no-untyped-def]
    return dialog.buttons.button(QDialogButtonBox.StandardButton.Ok)


def test_connect_remembers_password_in_keychain(qtbot, memory_keyring: MemoryKeyring) -> None:  # type: ignore[no-untyped-def]
    dialog = ConnectDialog()
    qtbot.addWidget(dialog)
    assert not connect_button(dialog).isEnabled()  # a database name is required
    fill(qtbot, dialog)
    assert dialog.remember.isEnabled()
    qtbot.keyClick(dialog.remember, Qt.Key.Key_Space)
    assert dialog.remember.isChecked()
    dialog.sslmode.setCurrentText("require")
    assert connect_button(dialog).isEnabled()
    qtbot.mouseClick(connect_button(dialog), Qt.MouseButton.LeftButton)
    url = "postgresql+psycopg://alice@db.example.org:5433/newsroom?sslmode=require"
    assert dialog.url == url and "pw-" not in dialog.url
    assert memory_keyring.store == {
        (KEYRING_SERVICE, "alice@db.example.org:5433/newsroom"): "pw-secret"
    }
    forget_password(url)


def test_password_without_remember_stays_in_memory(qtbot, memory_keyring: MemoryKeyring) -> None:  # type: ignore[no-untyped-def]
    dialog = ConnectDialog()
    qtbot.addWidget(dialog)
    fill(qtbot, dialog)
    qtbot.mouseClick(connect_button(dialog), Qt.MouseButton.LeftButton)
    assert dialog.url == "postgresql+psycopg://alice@db.example.org:5433/newsroom"
    assert memory_keyring.store == {}
    assert lookup_password(dialog.url) == "pw-secret"
    forget_password(dialog.url)


def test_cancel_returns_nothing(qtbot) -> None:  # type: ignore[no-untyped-def]
    dialog = ConnectDialog()
    qtbot.addWidget(dialog)
    qtbot.keyClicks(dialog.database, "x")
    cancel = dialog.buttons.button(QDialogButtonBox.StandardButton.Cancel)
    qtbot.mouseClick(cancel, Qt.MouseButton.LeftButton)
    assert dialog.url is None and dialog.result() == 0
