"""The benchmarks run on the installed program alone: no tests, no test tools."""

from __future__ import annotations

import ast

from tests.conftest import REPO

TEST_ONLY = {"tests", "pytest", "hypothesis"}


def test_benchmarks_import_nothing_from_the_tests_or_the_dev_extras():
    found = []
    for path in sorted((REPO / "benchmarks").glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text("utf-8"))):
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                names = [node.module or ""]
            else:
                continue
            found += [f"{path.name}: {n}" for n in names if n.split(".")[0] in TEST_ONLY]
    assert found == []
