"""Helpers that keep user and article text plain: never interpreted as HTML by Qt."""

from __future__ import annotations

import html

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel


def plain_label(text: str = "") -> QLabel:
    """A label that never interprets its text as HTML."""
    label = QLabel()
    label.setTextFormat(Qt.TextFormat.PlainText)
    label.setText(text)
    return label


PROBLEM_STYLE = "color: #cf222e;"  # what is wrong, in dialogs and panels


def problem_label(accessible_name: str = "") -> QLabel:
    """A plain, word-wrapped label saying what is wrong, in the warning colour."""
    label = plain_label()
    label.setWordWrap(True)
    label.setStyleSheet(PROBLEM_STYLE)
    if accessible_name:
        label.setAccessibleName(accessible_name)
    return label


def plain_tooltip(text: str) -> str:
    """Tooltip markup that shows `text` literally (Qt guesses HTML in tooltips)."""
    if not text:
        return ""
    return f"<p style='white-space:pre-wrap'>{html.escape(text, quote=False)}</p>"


def menu_text(text: str) -> str:
    """Text for a menu item or button shown literally (no & mnemonics)."""
    return text.replace("&", "&&")
