"""`make mutation`: run mutmut (configured in pyproject.toml, [tool.mutmut]) and print the score per
module and every surviving mutant.

A mutant is a small change to the code (`<` for `<=`, `1` for `0`, a dropped argument); it is killed
when a test fails with it. A survivor is a change no test notices: a rule the tests do not pin, or an
equivalent change (one that cannot alter behaviour). `mutmut show NAME` prints a survivor's change.

    python tools/mutation.py [--max-children N]   # run, then report
    python tools/mutation.py --paths services/domain/renewal.py bot/proactive/throttle.py   # only these modules
    python tools/mutation.py --report [--paths ...]   # report the last run (mutants/)

`--paths` keeps the results of other modules in mutants/ (mutmut reuses them); `make mutation`
starts from an empty mutants/ and runs every module.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from collections import Counter, defaultdict
from pathlib import Path

PROJECT = Path(__file__).resolve().parents[1]
MUTANTS = PROJECT / "mutants"
KILLED = {"killed", "timeout", "caught by type check"}
NOT_COUNTED = {"skipped", "not checked", "check was interrupted by user"}


def status_of(exit_code: int | None) -> str:
    from mutmut.stats import status_by_exit_code

    return status_by_exit_code[exit_code]


def results() -> dict[str, dict[str, str]]:
    """source file → mutant name → status, from mutmut's meta files."""
    found: dict[str, dict[str, str]] = {}
    for meta in sorted(MUTANTS.rglob("*.py.meta")):
        codes = json.loads(meta.read_text(encoding="utf-8")).get("exit_code_by_key", {})
        if codes:
            source = meta.relative_to(MUTANTS).as_posix().removesuffix(".meta")
            found[source] = {name: status_of(code) for name, code in codes.items()}
    return found


def score(statuses: dict[str, str]) -> tuple[int, int]:
    counted = [s for s in statuses.values() if s not in NOT_COUNTED]
    return sum(1 for s in counted if s in KILLED), len(counted)


def mutant_patterns(paths: list[str]) -> list[str]:
    """mutmut's mutant names for source paths: `services/domain/renewal.py` → `services.domain.renewal.*`,
    a folder → every module under it."""
    patterns = []
    for path in paths:
        dotted = path.strip("/").removesuffix(".py").replace("/", ".")
        patterns.append(f"{dotted}.*")
    return patterns


def within(source: str, paths: list[str] | None) -> bool:
    return not paths or any(source == p or source.startswith(p.rstrip("/") + "/") for p in paths)


def report(out=sys.stdout, paths: list[str] | None = None) -> int:
    by_file = {source: statuses for source, statuses in results().items() if score(statuses)[1] and within(source, paths)}
    if not by_file:
        print("no mutation results in mutants/: run `make mutation`", file=out)
        return 1
    groups: dict[str, dict[str, str]] = defaultdict(dict)
    print(f"{'module':<40} {'killed':>7} {'of':>5} {'score':>7}   not killed", file=out)
    for source, statuses in by_file.items():
        killed, total = score(statuses)
        others = Counter(s for s in statuses.values() if s not in KILLED and s not in NOT_COUNTED)
        detail = ", ".join(f"{n} {s}" for s, n in sorted(others.items()))
        print(f"{source:<40} {killed:>7} {total:>5} {100 * killed / max(total, 1):>6.1f}%   {detail}", file=out)
        groups[source.rsplit("/", 1)[0] + "/"].update(statuses)
    for group, statuses in sorted(groups.items()):
        killed, total = score(statuses)
        print(f"{group:<40} {killed:>7} {total:>5} {100 * killed / max(total, 1):>6.1f}%", file=out)
    everything = {name: s for statuses in by_file.values() for name, s in statuses.items()}
    killed, total = score(everything)
    print(f"{'all':<40} {killed:>7} {total:>5} {100 * killed / max(total, 1):>6.1f}%", file=out)
    survivors = sorted((name, s) for name, s in everything.items() if s not in KILLED and s not in NOT_COUNTED)
    print(f"\n{len(survivors)} mutant(s) not killed (`.venv/bin/mutmut show NAME` prints the change):", file=out)
    for name, status in survivors:
        print(f"  {status:<10} {name}", file=out)
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--report", action="store_true", help="only report the last run")
    parser.add_argument("--max-children", type=int, default=2, help="mutants tested in parallel (default 2)")
    parser.add_argument("--paths", nargs="+", metavar="PATH", help="only these modules or folders (as configured in [tool.mutmut] only_mutate)")
    args = parser.parse_args(argv)
    if not args.report:
        names = mutant_patterns(args.paths) if args.paths else []
        run = subprocess.run([sys.executable, "-m", "mutmut", "run", "--max-children", str(args.max_children), *names], cwd=PROJECT)
        if run.returncode not in (0, 1):  # 1: some mutants survived
            return run.returncode
    return report(paths=args.paths)


if __name__ == "__main__":
    sys.exit(main())
