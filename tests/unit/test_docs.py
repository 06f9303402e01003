"""The tree explains itself: every rule (`R7`), specification section (`SPEC 4.4`), style convention
(`STYLE §1`) and research section (`research §5.1`) the code cites is in docs/ (docs/README.md)."""

from __future__ import annotations

import os
import re
from functools import cache
from pathlib import Path

PROJECT = Path(__file__).resolve().parents[2]
DOCS = PROJECT / "docs"
SCANNED = ("bot", "dialogs", "services", "tests", "tools", "bench", "clients")
SUFFIXES = {".py", ".js", ".html", ".md", ".toml"}
NUMBERS = r"(\d+(?:\.\d+)?(?:\s*(?:,|–|-|and)\s*§?\s*\d+(?:\.\d+)?)*)"
PATTERNS = {
    "rule": re.compile(r"\bR(\d{1,2})\b"),
    "spec": re.compile(r"\bSPEC\s*§?\s*" + NUMBERS),
    "style": re.compile(r"\bSTYLE\s*§\s*" + NUMBERS),
    "research": re.compile(r"\bresearch\s*§\s*" + NUMBERS),
}


def cited_files() -> list[Path]:
    files = [PROJECT / "README.md", PROJECT / "Makefile", PROJECT / "pyproject.toml"]
    for folder in SCANNED:
        for root, dirs, names in os.walk(PROJECT / folder):
            dirs[:] = [d for d in dirs if d not in ("node_modules", "__pycache__")]
            files += [Path(root) / n for n in sorted(names) if Path(n).suffix in SUFFIXES]
    return [p for p in files if p != Path(__file__).resolve()]


@cache
def headings(name: str) -> frozenset[str]:
    """Section numbers of a docs file: `## 4. Contract` → "4", `### 4.4 HTTP` → "4.4",
    `1. **Imports go down only.**` → "1" (STYLE's numbered conventions)."""
    found = set()
    for line in (DOCS / name).read_text(encoding="utf-8").splitlines():
        match = re.match(r"#{2,3} (\d+(?:\.\d+)?)\.? ", line) or re.match(r"(\d+)\. \*\*", line)
        if match:
            found.add(match.group(1))
    return frozenset(found)


@cache
def rules() -> frozenset[str]:
    return frozenset(re.findall(r"^- \*\*R(\d+) ", (DOCS / "rules.md").read_text(encoding="utf-8"), re.M))


def resolves(kind: str, number: str) -> bool:
    if kind == "rule":
        return number in rules()
    if kind == "spec":
        return any(number in headings(name) for name in ("product.md", "rules.md", "contract.md"))
    if kind == "style":
        return number in headings("style.md")
    return number in headings("research/botframework.md")


def unresolved(text: str) -> list[str]:
    """Every citation in `text` that docs/ does not hold, as written."""
    missing = []
    for kind, pattern in PATTERNS.items():
        for match in pattern.finditer(text):
            for number in re.split(r"\s*(?:,|–|-|and)\s*§?\s*", match.group(1)):
                if not resolves(kind, number):
                    missing.append(f"{kind} {number}")
    return missing


def test_every_rule_and_section_the_code_cites_is_in_docs():
    missing = {
        f"{path.relative_to(PROJECT)}: {', '.join(found)}"
        for path in cited_files()
        if (found := unresolved(path.read_text(encoding="utf-8", errors="replace")))
    }

    assert sorted(missing) == []


def test_a_citation_docs_does_not_hold_is_reported():
    text = "R16 and R17; SPEC 4.4, 4.9; SPEC §2; STYLE §1 and §12; research §5.3, §5.9"

    assert unresolved(text) == ["rule 17", "spec 4.9", "style 12", "research 5.9"]


def test_docs_hold_all_sixteen_rules_and_the_eight_contract_sections():
    assert rules() == frozenset(str(n) for n in range(1, 17))
    assert {f"4.{n}" for n in range(1, 9)} <= headings("contract.md")


def test_the_schemas_and_example_the_tests_use_are_in_the_repository():
    for path in ("contract/adaptive-card-1.5.schema.json", "contract/example-dataset.json"):
        assert (DOCS / path).stat().st_size > 1000, path
    assert (PROJECT / "services" / "data" / "dataset.schema.json").is_file()
