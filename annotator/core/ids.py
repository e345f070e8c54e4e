"""Identifiers that stay stable when a project moves between databases."""

import uuid


def new_id() -> str:
    """Return a new random identifier (32 lowercase hex digits)."""
    return uuid.uuid4().hex
