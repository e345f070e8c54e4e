"""File > Connect to server: where a team project lives on a PostgreSQL server.

`ask_server_location(parent)` shows the dialog and returns the project's URL (without a
password: safe for settings and the recent list) or None. A typed password is kept in
memory for this run, or in the OS keychain when "Remember" is ticked; fields left empty
fall back to libpq's environment (PGHOST, PGUSER, ...) and .pgpass.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from annotator.services.credentials import (
    SSL_MODES,
    CredentialError,
    ServerLocation,
    keychain_available,
    remember_password,
)


class ConnectDialog(QDialog):
    def __init__(self, parent: QWidget | None = None, initial: ServerLocation | None = None):
        super().__init__(parent)
        self.setWindowTitle("Connect to server")
        self.url: str | None = None
        initial = initial or ServerLocation("")
        self.host = QLineEdit(initial.host)
        self.host.setPlaceholderText("localhost (or PGHOST)")
        self.port = QSpinBox()
        self.port.setRange(0, 65535)
        self.port.setSpecialValueText("default (5432 or PGPORT)")
        self.port.setValue(initial.port or 0)
        self.database = QLineEdit(initial.database)
        self.database.setPlaceholderText("required")
        self.user = QLineEdit(initial.user)
        self.user.setPlaceholderText("your login name (or PGUSER)")
        self.password = QLineEdit()
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.password.setPlaceholderText("from the keychain or .pgpass if empty")
        self.sslmode = QComboBox()
        self.sslmode.addItems(list(SSL_MODES))
        self.sslmode.setCurrentText(initial.sslmode)
        self.remember = QCheckBox("Remember the password in the system keychain")
        if not keychain_available():
            self.remember.setEnabled(False)
            self.remember.setToolTip("No system keychain: install keyring, or use a .pgpass file")
        self.message = QLabel()
        self.message.setTextFormat(Qt.TextFormat.PlainText)
        self.message.setWordWrap(True)

        form = QFormLayout()
        form.addRow("&Host:", self.host)
        form.addRow("&Port:", self.port)
        form.addRow("&Database:", self.database)
        form.addRow("&User:", self.user)
        form.addRow("Pass&word:", self.password)
        form.addRow("&SSL mode:", self.sslmode)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText("Connect")
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.remember)
        layout.addWidget(self.message)
        layout.addWidget(self.buttons)
        self.database.textChanged.connect(self._update)
        self._update()

    def location(self) -> ServerLocation:
        return ServerLocation(
            database=self.database.text().strip(),
            host=self.host.text().strip(),
            port=self.port.value() or None,
            user=self.user.text().strip(),
            sslmode=self.sslmode.currentText(),
        )

    def _update(self) -> None:
        ok = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        ok.setEnabled(bool(self.database.text().strip()))

    def accept(self) -> None:
        try:
            url = self.location().url()
            if self.password.text():
                remember_password(url, self.password.text(), keychain=self.remember.isChecked())
        except (ValueError, CredentialError) as exc:
            self.message.setText(str(exc))
            return
        self.url = url
        super().accept()


def ask_server_location(
    parent: QWidget | None = None, initial: ServerLocation | None = None
) -> str | None:
    """Show the dialog; the server project's URL (no password in it), or None if cancelled."""
    dialog = ConnectDialog(parent, initial)
    return dialog.url if dialog.exec() == QDialog.DialogCode.Accepted else None
