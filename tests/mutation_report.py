"""Print the mutation score of ``make mutation`` (after ``mutmut run``), per module and in all.

A mutant is killed when a test failed (or timed out) with it; it survives when the tests
passed, or when no test reached the changed code. Score: killed / (killed + survivors).
Survivors are listed by module; ``.venv/bin/mutmut show NAME`` shows one's change.
"""

from __future__ import annotations

import ast
import difflib
import re
import subprocess
import sys
import textwrap
from collections import Counter, defaultdict
from functools import cache
from pathlib import Path

KILLED = {"killed", "timeout", "segfault"}
SURVIVED = {"survived", "no tests"}


def _natural(name: str) -> tuple[str, int]:
    base, _, number = name.split()[0].rpartition("_")
    return base, int(number) if number.isdigit() else 0


def results(mutmut: str) -> dict[str, str]:
    """Every mutant's name and status, from ``mutmut results --all true``."""
    done = subprocess.run(
        [mutmut, "results", "--all", "true"], capture_output=True, text=True, check=True
    )
    found = {}
    for line in done.stdout.splitlines():
        match = re.match(r"\s*(\S+__mutmut_\d+): (.+)$", line)
        if match:
            found[match.group(1)] = match.group(2).strip()
    return found


def module_of(mutant: str) -> str:
    """``kiosk.core.queue`` of ``kiosk.core.queue.xǁQueueServiceǁtake__mutmut_3`` (a method)
    or of ``devices.idcard.idnumber.x_mask_name__mutmut_1`` (a function)."""
    return re.match(r"(.*?)\.x[_ǁ]", mutant).group(1)


@cache
def _functions(module: str) -> dict[str, str]:
    """Source of every function in the mutated copy of ``module`` (originals and mutants)."""
    path = Path("mutants", *module.split(".")).with_suffix(".py")
    text = path.read_text(encoding="utf-8")
    lines = text.splitlines()  # once: ast.get_source_segment splits the whole file per call
    found = {}
    for node in ast.walk(ast.parse(text)):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) and "__mutmut_" in node.name:
            found[node.name] = "\n".join(lines[node.lineno - 1 : node.end_lineno])
    return found


def change(mutant: str) -> str:
    """The line the mutant changed, as ``- old`` / ``+ new``."""
    module = module_of(mutant)
    name = mutant[len(module) + 1 :]
    functions = _functions(module)
    original = functions.get(re.sub(r"__mutmut_\d+$", "__mutmut_orig", name), "")
    body = [line.strip() for line in functions.get(name, "").splitlines()[1:]]
    before = [line.strip() for line in original.splitlines()[1:]]
    lines = [
        line[0] + " " + line[1:].strip()
        for line in difflib.unified_diff(before, body, lineterm="", n=0)
        if line[:1] in "+-" and not line.startswith(("+++", "---"))
    ]
    return " | ".join(lines)[:220]


def kind_of(diff: str) -> str:
    """A class of survivor that needs no new test, or "" (each is listed with a reason)."""
    old = [part[2:] for part in diff.split(" | ") if part.startswith("- ")]
    new = [part[2:] for part in diff.split(" | ") if part.startswith("+ ")]
    if old and [o.lower() for o in old] == [n.lower() for n in new]:
        return "case only: SQL keywords and sqlite3.Row keys ignore case (equivalent)"
    now_as_none = [
        re.sub(r"\b(local_day|is_open|require_open)\(now\)", r"\1(None)", o) for o in old
    ]
    if old and now_as_none == new and now_as_none != old:
        return "local_day/is_open/require_open given None: the same clock's now (equivalent)"
    if any(re.search(r"\b(log|logger)\.\w+\(", o) for o in old):
        return "log line wording (for technicians; not a rule)"
    return ""


MESSAGE = "exception message text (English, for logs; villagers see the catalogue key)"


class _Unworded(ast.NodeTransformer):
    """Leaves out the English message (the only positional argument) of each raised error;
    its keyword arguments, the values the villager's sentence names, stay."""

    def visit_Raise(self, node: ast.Raise) -> ast.Raise:
        self.generic_visit(node)
        call = node.exc
        if isinstance(call, ast.Call) and len(call.args) == 1:
            call.args = []
        return node


def _unworded(source: str) -> str:
    function = ast.parse(textwrap.dedent(source)).body[0]
    function.name = ""
    return ast.dump(_Unworded().visit(function))


def message_only(mutant: str) -> bool:
    """True when the mutant changes nothing but the message of an error it raises (on one
    line or several; a changed keyword argument, a sentence's value, is not this)."""
    module = module_of(mutant)
    name = mutant[len(module) + 1 :]
    functions = _functions(module)
    original = functions.get(re.sub(r"__mutmut_\d+$", "__mutmut_orig", name))
    body = functions.get(name)
    if not original or not body:
        return False
    return _unworded(original) == _unworded(body)


def _row(name: str, counts: Counter) -> str:
    """One line of the table. The score counts every survivor; the second leaves out those of
    a known harmless class. Mutants a partial run left alone count in none of the figures."""
    judged = counts["killed"] + counts["survived"]
    score = f"{counts['killed'] / judged:.1%}" if judged else "-"
    real = counts["killed"] + counts["survived"] - counts["explained"]
    real_score = f"{counts['killed'] / real:.1%}" if real else "-"
    left = sum(n for kind, n in counts.items() if kind not in ("killed", "survived", "explained"))
    return (
        f"{name:40} {counts['killed']:7} {counts['survived']:9} {counts['explained']:9}"
        f" {score:>7} {real_score:>9} {left:8}"
    )


def main() -> int:
    mutmut = str(Path(sys.executable).with_name("mutmut"))
    found = results(mutmut)
    if not found:
        print("no mutation results: run `mutmut run` first (make mutation does)")
        return 1
    per_module: dict[str, Counter] = defaultdict(Counter)
    unexplained: dict[str, list[str]] = defaultdict(list)
    explained: dict[str, list[str]] = defaultdict(list)
    for name, status in sorted(found.items(), key=lambda item: _natural(item[0])):
        module = module_of(name)
        kind = "killed" if status in KILLED else "survived" if status in SURVIVED else status
        per_module[module][kind] += 1
        if status in SURVIVED:
            diff = change(name)
            harmless = kind_of(diff) or (MESSAGE if message_only(name) else "")
            if harmless:
                explained[harmless].append(name)
                per_module[module]["explained"] += 1
            else:
                unexplained[module].append(f"  {name} ({status})\n      {diff}")
    total = Counter()
    print(
        f"{'module':40} {'killed':>7} {'survived':>9} {'harmless':>9} {'score':>7}"
        f" {'score*':>9} {'not run':>8}"
    )
    for module in sorted(per_module):
        total.update(per_module[module])
        print(_row(module, per_module[module]))
    print(_row("all", total))
    print("score*: survivors of a known harmless class (listed at the end) left out")
    for module in sorted(unexplained):
        print(f"\nsurvivors in {module}:")
        print("\n".join(unexplained[module]))
    for kind, names in sorted(explained.items()):
        print(f"\n{len(names)} survivors of a known class: {kind}")
    judged = total["killed"] + total["survived"]
    real = judged - total["explained"]
    print(
        f"\nRESULT mutation_score={total['killed'] / judged:.3f}"
        f" score_without_harmless={total['killed'] / real:.3f} killed={total['killed']}"
        f" survived={total['survived']} harmless={total['explained']} mutants={len(found)}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
