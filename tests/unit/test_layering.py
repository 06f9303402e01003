"""STYLE §1: imports go down only, bot → dialogs → services, and the domain imports nothing.

Every module is parsed with `ast` (imports inside functions and `TYPE_CHECKING` blocks count too)."""

from __future__ import annotations

import ast
import shutil
import sys
from pathlib import Path

PROJECT = Path(__file__).resolve().parents[2]
PACKAGES = ("bot", "dialogs", "services")
HOSTING = ("botbuilder", "botframework", "aiohttp", "msrest")  # the Bot Framework SDK and its web stack

# (folder, imported top-level names it must not use, why)
FORBIDDEN: tuple[tuple[str, tuple[str, ...], str], ...] = (
    ("services", HOSTING, "services/ knows nothing of the hosting"),
    ("services", ("dialogs", "bot"), "services/ is the bottom layer"),
    ("dialogs", ("sqlalchemy", "alembic", "asyncpg", "aiosqlite"), "dialogs/ call use cases, never the database"),
    ("dialogs", ("bot",), "dialogs/ sit below bot/"),
)


def imported_modules(path: Path, root: Path) -> list[tuple[int, str]]:
    """(line, absolute module name) of every import in the file, relative ones resolved."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    package = list(path.relative_to(root).with_suffix("").parts[:-1])
    found: list[tuple[int, str]] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package[: len(package) - node.level + 1]
                module = ".".join(base + ([node.module] if node.module else []))
            else:
                module = node.module or ""
            found.append((node.lineno, module))
    return found


def _domain_may_import(module: str) -> bool:
    top = module.split(".")[0]
    return module == "services.domain" or module.startswith("services.domain.") or top in sys.stdlib_module_names


def violations(root: Path) -> list[str]:
    """Every import that goes up a layer or out of the domain, as `file:line: module (why)`."""
    found: list[str] = []
    for package in PACKAGES:
        for path in sorted((root / package).rglob("*.py")):
            relative = path.relative_to(root).as_posix()
            for line, module in imported_modules(path, root):
                top = module.split(".")[0]
                for folder, names, why in FORBIDDEN:
                    if relative.startswith(folder + "/") and top in names:
                        found.append(f"{relative}:{line}: {module} ({why})")
                if relative.startswith("services/domain/") and not _domain_may_import(module):
                    found.append(f"{relative}:{line}: {module} (the domain is pure: standard library and services.domain only)")
    return found


def test_imports_go_down_only_and_the_domain_imports_nothing():
    assert violations(PROJECT) == []


def test_the_check_sees_every_kind_of_upward_import(tmp_path):
    for package in PACKAGES:
        shutil.copytree(PROJECT / package, tmp_path / package, ignore=shutil.ignore_patterns("__pycache__", "*.json", "*.mako"))
    planted = {
        "services/achievements.py": "import botbuilder.core\n",
        "services/outbox.py": "def later():\n    from aiohttp import web\n",
        "services/progress.py": "from dialogs.messages import text\n",
        "services/domain/evaluation.py": "from sqlalchemy import select\n",
        "dialogs/main_dialog.py": "from sqlalchemy.ext.asyncio import AsyncSession\n",
        "dialogs/cards/alert.py": "from ...bot import handler\n",
    }
    for name, code in planted.items():
        path = tmp_path / name
        path.write_text(path.read_text(encoding="utf-8") + "\n" + code, encoding="utf-8")

    found = violations(tmp_path)

    assert [f.split(":")[0] + " " + f.split(": ", 1)[1] for f in found] == [
        "dialogs/cards/alert.py bot (dialogs/ sit below bot/)",
        "dialogs/main_dialog.py sqlalchemy.ext.asyncio (dialogs/ call use cases, never the database)",
        "services/achievements.py botbuilder.core (services/ knows nothing of the hosting)",
        "services/domain/evaluation.py sqlalchemy (the domain is pure: standard library and services.domain only)",
        "services/outbox.py aiohttp (services/ knows nothing of the hosting)",
        "services/progress.py dialogs.messages (services/ is the bottom layer)",
    ]
