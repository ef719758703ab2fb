"""No import cycles inside ``pipeline/``: every module and package can be read bottom-up.

The graph is built with ``ast`` from every ``import`` statement, including those inside
functions (a lazy import still ties the two modules together), and importing ``a.b.c`` also
depends on the packages ``a.b`` and ``a`` whose ``__init__`` runs first.
"""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1] / "pipeline"


def module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imported(tree: ast.AST, name: str, is_package: bool) -> set[str]:
    """The ``pipeline`` modules a module's source names in its imports."""
    found: set[str] = set()
    here = name if is_package else name.rpartition(".")[0]
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = here.rsplit(".", node.level - 1)[0] if node.level > 1 else here
                base = f"{anchor}.{base}" if base else anchor
            found.add(base)
            found.update(f"{base}.{alias.name}" for alias in node.names)
    return {m for m in found if m == "pipeline" or m.startswith("pipeline.")}


def import_graph() -> dict[str, set[str]]:
    sources = {module_name(p): p for p in PACKAGE.rglob("*.py")}
    graph: dict[str, set[str]] = {}
    for name, path in sources.items():
        targets: set[str] = set()
        for target in imported(ast.parse(path.read_text("utf-8")), name, path.stem == "__init__"):
            while target and target not in sources:  # `from pkg import name`: name is no module
                target = target.rpartition(".")[0]
            while target:  # importing a.b.c runs a/__init__ and a/b/__init__ first
                targets.add(target)
                target = target.rpartition(".")[0]
        graph[name] = targets - {name} - _ancestors(name)
    return graph


def _ancestors(name: str) -> set[str]:
    parts = name.split(".")
    return {".".join(parts[:i]) for i in range(1, len(parts))}


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components of more than one node (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for nxt in graph.get(node, ()):
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            component = []
            while True:
                top = stack.pop()
                on_stack.discard(top)
                component.append(top)
                if top == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def package_graph(graph: dict[str, set[str]]) -> dict[str, set[str]]:
    """The same graph between ``pipeline``'s subpackages (``pipeline.crawl`` ...)."""

    def package(name: str) -> str:
        return ".".join(name.split(".")[:2])

    packages: dict[str, set[str]] = {}
    for name, targets in graph.items():
        edges = packages.setdefault(package(name), set())
        edges.update(package(t) for t in targets if t != "pipeline")
    return {name: edges - {name} for name, edges in packages.items()}


def test_modules_have_no_import_cycle():
    assert cycles(import_graph()) == []


def test_packages_have_no_import_cycle():
    assert cycles(package_graph(import_graph())) == []


def test_the_detector_sees_a_cycle():
    graph = {
        "pipeline.a": {"pipeline.b"},
        "pipeline.b": {"pipeline.c"},
        "pipeline.c": {"pipeline.a"},
    }
    assert cycles(graph) == [["pipeline.a", "pipeline.b", "pipeline.c"]]


def test_the_graph_follows_relative_and_package_imports():
    tree = ast.parse("from . import labels\nfrom .grid import Grid\nimport pipeline.crawl.fetcher")
    assert imported(tree, "pipeline.extract.pdf", False) >= {
        "pipeline.extract.labels",
        "pipeline.extract.grid",
        "pipeline.crawl.fetcher",
    }
