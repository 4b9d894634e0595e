"""Print the mutation score of ``make mutation`` (after ``mutmut run``), per module and in all.

A mutant is killed when a test failed (or timed out) with it; it survives when the tests
passed, or when no test reached the changed code. Score: killed / (killed + survivors).
Survivors are listed by module; ``.venv/bin/mutmut show NAME`` shows one's change.
"""

from __future__ import annotations

import re
import subprocess
import sys
from collections import Counter, defaultdict
from pathlib import Path

KILLED = {"killed", "timeout", "segfault"}
SURVIVED = {"survived", "no tests"}


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


def main() -> int:
    mutmut = str(Path(sys.executable).with_name("mutmut"))
    found = results(mutmut)
    if not found:
        print("no mutation results: run `mutmut run` first (make mutation does)")
        return 1
    per_module: dict[str, Counter] = defaultdict(Counter)
    survivors: dict[str, list[str]] = defaultdict(list)
    for name, status in found.items():
        module = module_of(name)
        kind = "killed" if status in KILLED else "survived" if status in SURVIVED else status
        per_module[module][kind] += 1
        if status in SURVIVED:
            survivors[module].append(f"{name} ({status})")
    total = Counter()
    print(f"{'module':45} {'killed':>7} {'survived':>9} {'score':>7}")
    for module in sorted(per_module):
        counts = per_module[module]
        total.update(counts)
        judged = counts["killed"] + counts["survived"]
        score = counts["killed"] / judged if judged else 1.0
        print(f"{module:45} {counts['killed']:7} {counts['survived']:9} {score:7.1%}")
    judged = total["killed"] + total["survived"]
    print(f"{'all':45} {total['killed']:7} {total['survived']:9} {total['killed'] / judged:7.1%}")
    for module in sorted(survivors):
        print(f"\nsurvivors in {module}:")
        for name in sorted(survivors[module]):
            print(f"  {name}")
    print(
        f"\nRESULT mutation_score={total['killed'] / judged:.3f} killed={total['killed']}"
        f" survived={total['survived']} mutants={len(found)}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
