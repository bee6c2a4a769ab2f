"""DESIGN.md's arrows, read from every module's imports (ast): ui -> rag -> index, evals -> rag,
only ui/ imports gradio, bench/ and tests/ stay outside the product."""

from __future__ import annotations

import ast
import re
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
# Files allowed to break an arrow, each with the arrow it breaks (none).
KNOWN_EXCEPTIONS: dict[str, set[str]] = {}


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


# Writes that reach into the product's private state instead of its public seams
# (Engine(settings, embed_model=...), rag.using(engine), AnswerChain(engine, generator)).
PRIVATE_WRITES = re.compile(
    r"__dict__\[|rag\.api\._engine\s*=|\._generator(_ready|_error)?\s*=|\._keyword\s*="
)


def test_no_test_or_bench_writes_private_attributes_of_the_product() -> None:
    found = []
    for folder in ("tests", "bench"):
        for path in sorted((PROJECT_ROOT / folder).rglob("*.py")):
            if path.name == "test_architecture.py":
                continue
            for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
                if PRIVATE_WRITES.search(line):
                    found.append(f"{path.relative_to(PROJECT_ROOT)}:{n}: {line.strip()}")
    assert found == []
