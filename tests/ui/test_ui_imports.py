"""The ui package's own structure: no import circles, no storage, no window reach-back."""

from __future__ import annotations

import ast
from pathlib import Path

import annotator.ui

UI = Path(annotator.ui.__file__).resolve().parent

# live_updates.py is being rewritten elsewhere to take its collaborators
# (LiveUpdates(project, model, on_documents_changed, on_assignments_changed, show_message,
# parent)); until that lands, its type-only import of the window is the one edge left out.
# Remove this once live_updates.py no longer imports main_window.
PENDING_EDGES = {("annotator.ui.live_updates", "annotator.ui.main_window")}


def _module_name(path: Path) -> str:
    parts = path.relative_to(UI.parent.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def ui_imports() -> dict[str, set[str]]:
    """Every ui module -> the ui modules it imports anywhere (TYPE_CHECKING blocks and
    function bodies included: a circle hidden there is still a circle)."""
    modules = {_module_name(p): p for p in UI.rglob("*.py")}
    graph: dict[str, set[str]] = {}
    for name, path in modules.items():
        found: set[str] = set()
        package = name if path.name == "__init__.py" else name.rsplit(".", 1)[0]
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            targets: list[str] = []
            if isinstance(node, ast.Import):
                targets = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                base = node.module or ""
                if node.level:
                    up = package.split(".")[: len(package.split(".")) - node.level + 1]
                    base = ".".join([*up, base] if base else up)
                targets = [base, *(f"{base}.{alias.name}" for alias in node.names)]
            found.update(t for t in targets if t in modules and t != name)
        graph[name] = {t for t in found if (name, t) not in PENDING_EDGES}
    return graph


def find_circle(graph: dict[str, set[str]]) -> list[str] | None:
    """One import circle of `graph` (as a path that returns to its start), or None."""
    state: dict[str, int] = {}  # 1 on the current path, 2 done
    path: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        path.append(node)
        for nxt in sorted(graph.get(node, ())):
            if state.get(nxt) == 1:
                return [*path[path.index(nxt) :], nxt]
            if nxt not in state:
                found = visit(nxt)
                if found:
                    return found
        path.pop()
        state[node] = 2
        return None

    for start in sorted(graph):
        if start not in state:
            found = visit(start)
            if found:
                return found
    return None


def test_the_circle_finder_finds_a_circle() -> None:
    assert find_circle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert find_circle({"a": {"b"}, "b": {"c"}, "c": set()}) is None


def test_no_import_circle_inside_ui() -> None:
    graph = ui_imports()
    assert "annotator.ui.workbench" in graph["annotator.ui.main_window"]  # the graph is real
    circle = find_circle(graph)
    assert circle is None, " -> ".join(circle or [])


def test_only_the_composition_root_and_app_entry_know_the_window() -> None:
    """Helpers get collaborators, never the window: nothing in ui imports main_window
    except the modules that open windows (the smoke check)."""
    importers = {name for name, deps in ui_imports().items() if "annotator.ui.main_window" in deps}
    assert importers <= {"annotator.ui.smoke_check"}, importers


def test_no_ui_module_imports_storage() -> None:
    for path in UI.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.module:
                assert not node.module.startswith("annotator.storage"), path
            if isinstance(node, ast.Import):
                assert not any(a.name.startswith("annotator.storage") for a in node.names), path
