"""Creates the article view: the full `ArticleView` when installed, else the fallback."""

from __future__ import annotations

import importlib
from typing import Any

from PySide6.QtWidgets import QPlainTextEdit

from annotator.ui.document_model import DocumentModel
from annotator.ui.fallback_view import FallbackArticleView


def make_article_view(model: DocumentModel) -> QPlainTextEdit:
    """The article view widget; it has `selected_span`, `select_span`, `spanSelectionChanged`."""
    try:
        module: Any = importlib.import_module("annotator.ui.article_view")
    except ModuleNotFoundError:
        return FallbackArticleView(model)
    view: QPlainTextEdit = module.ArticleView(model)
    return view
