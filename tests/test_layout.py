"""The test suite's own layout: test modules share builders and helpers, never each other."""

import ast
import re
from pathlib import Path

TESTS = Path(__file__).resolve().parent
# a test module or a conftest, by its dotted name
NOT_IMPORTABLE = re.compile(r"^tests(\.\w+)*\.(test_\w+|conftest)$")


def imported_modules(path: Path) -> set[str]:
    names = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
            names.update(f"{node.module}.{a.name}" for a in node.names)
        elif isinstance(node, ast.Import):
            names.update(a.name for a in node.names)
    return names


def test_no_test_module_or_conftest_is_imported():
    offenders = {f"{path.relative_to(TESTS.parent)}: {name}"
                 for path in TESTS.rglob("*.py")
                 for name in imported_modules(path) if NOT_IMPORTABLE.match(name)}
    assert not offenders, sorted(offenders)
