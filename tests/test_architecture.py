"""DESIGN.md's arrows, read from every module's imports (ast): ui -> rag -> index, evals -> rag,
only ui/ imports gradio, bench/ and tests/ stay outside the product."""

from __future__ import annotations

import ast
from pathlib import Path

from rag.config import PROJECT_ROOT

PACKAGES = ("rag", "index", "ui", "evals", "bench", "tests")
# package -> top-level packages it must never import
FORBIDDEN = {
    "index": {"rag", "ui", "evals", "bench", "tests", "gradio"},
    "rag": {"ui", "evals", "bench", "tests", "gradio"},
    "evals": {"index", "ui", "bench", "tests", "gradio"},
    "ui": {"index", "evals", "bench", "tests"},
    "bench": {"tests", "gradio"},
    "tests": set(),  # the UI's own tests drive Gradio objects (gr.Error, Blocks) directly
}
# The composition root may import ui/ and evals/, but only inside the subcommand that needs them.
LAZY_ONLY = {"rag/cli.py": {"ui", "evals"}}
# Files the lead is still rewriting; each entry names the arrow it still breaks.
KNOWN_EXCEPTIONS: dict[str, set[str]] = {
    "evals/scoring.py": {"index"},  # the answer-chain rewrite moves it onto rag's claim helpers
}


def imports(tree: ast.Module) -> list[tuple[str, bool]]:
    """(top-level package, imported at module level) of every absolute import in `tree`."""
    top_level = {id(node) for node in tree.body}
    for node in tree.body:  # `if TYPE_CHECKING:` / try blocks count as module level too
        if isinstance(node, ast.If | ast.Try):
            top_level.update(id(child) for child in ast.walk(node))
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(alias.name.split(".")[0], id(node) in top_level) for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            found.append((node.module.split(".")[0], id(node) in top_level))
    return found


def modules() -> list[Path]:
    """Every Python file of the project's packages."""
    return sorted(p for pkg in PACKAGES for p in (PROJECT_ROOT / pkg).rglob("*.py"))


def wrong_arrows() -> list[str]:
    """One line per import that points the wrong way."""
    wrong = []
    for path in modules():
        rel = path.relative_to(PROJECT_ROOT).as_posix()
        package = rel.split("/")[0]
        forbidden = FORBIDDEN[package] - KNOWN_EXCEPTIONS.get(rel, set())
        lazy = LAZY_ONLY.get(rel, set())
        for target, at_top in imports(ast.parse(path.read_text(encoding="utf-8"))):
            if target in lazy and not at_top:
                continue
            if target in forbidden or target in lazy:
                wrong.append(f"{rel} imports {target}")
    return wrong


def test_arrows_point_one_way() -> None:
    assert wrong_arrows() == []


def test_the_checker_sees_a_wrong_arrow(tmp_path: Path) -> None:
    tree = ast.parse("import os\nfrom rag.config import Settings\n\ndef f():\n    import ui.app\n")
    assert imports(tree) == [("os", True), ("rag", True), ("ui", False)]


def test_every_package_is_checked() -> None:
    seen = {p.relative_to(PROJECT_ROOT).parts[0] for p in modules()}
    assert seen == set(PACKAGES)
