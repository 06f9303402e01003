"""Partner Center import benchmark (a benchmark, not a test): time and peak memory.

    .venv/bin/python bench/partner_center_bench.py            # SQLite files in a temporary directory
    .venv/bin/python bench/partner_center_bench.py --rows 100000 --large 1000000

1. A `TrainingCompletions` CSV of 100,000 rows (20,000 people, five exams or certifications each,
   titles as Partner Center writes them, "Exam AZ-104: ..."), imported with `import_exports` into a
   fresh migrated database, beside the JSON dataset of the same records (users, MSA links,
   achievements) imported with `import_dataset`, file parsing included in both. Aim: within 1.5×.
2. Peak RSS (`ru_maxrss`) of a fresh process importing the 100,000-row file, and one importing a
   1,000,000-row file: streamed, memory must not grow with the file (aim: within 20 %).
Fixed seed and fixed "now": every run generates the same data.
"""

from __future__ import annotations

import argparse
import asyncio
import csv
import json
import random
import resource
import subprocess
import sys
import tempfile
import time
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from services.dataset_validation import parse_dataset  # noqa: E402
from services.importer import import_dataset  # noqa: E402
from services.partner_center.exports import import_exports  # noqa: E402
from services.persistence.database import create_engine, session_factory, upgrade_database  # noqa: E402
from services.persistence.unit_of_work import UnitOfWorkFactory  # noqa: E402
from tests.partner_center_files import TRAINING_HEADER  # noqa: E402

NOW = datetime(2026, 11, 21, 12, 0, tzinfo=timezone.utc)
ORG = "4711"
TITLES = [  # codes the bundled catalog knows, as Partner Center titles them
    ("AZ-104", "Exam AZ-104: Microsoft Azure Administrator"), ("AZ-305", "Exam AZ-305: Designing Microsoft Azure Infrastructure Solutions"),
    ("AZ-500", "Exam AZ-500: Microsoft Azure Security Technologies"), ("MS-500", "Exam MS-500: Microsoft 365 Security Administration"),
    ("DP-203", "Exam DP-203: Data Engineering on Microsoft Azure"), ("MS-700", "Exam MS-700: Managing Microsoft Teams"),
    ("70-533", "Exam 70-533: Implementing Microsoft Azure Infrastructure Solutions"), ("70-347", "Exam 70-347: Enabling Office 365 Services"),
    ("70-346", "Exam 70-346: Managing Office 365 Identities and Requirements"), ("SC-300", "Exam SC-300: Microsoft Identity and Access Administrator"),
]
PER_PERSON = 5


def records(rows: int):
    """(person, code, title, completed, expires) for `rows` achievements of rows/5 people."""
    rng = random.Random(12)
    for person in range(rows // PER_PERSON):
        for code, title in rng.sample(TITLES, PER_PERSON):
            completed = date(2024, 1, 1) + timedelta(days=rng.randrange(1000))
            yield person, code, title, completed, completed + timedelta(days=365)


def write_csv(path: Path, rows: int) -> None:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(TRAINING_HEADER)
        for person, code, title, completed, expires in records(rows):
            writer.writerow([ORG, code, title, "Exam", f"First{person}", f"Last{person}", f"p{person}@outlook.example", f"p{person}@fabrikam.example",
                             f"{completed.month}/{completed.day}/{completed.year} 12:00:00 AM", f"{expires.month}/{expires.day}/{expires.year} 12:00:00 AM",
                             "Active", f"{completed.month}/1/{completed.year}", "Yes", str(person), ORG, "Fabrikam, Inc.", "Seattle", "United States", ""])


def organization() -> dict:
    return {"organizations": [{"id": ORG, "name": "Fabrikam, Inc.", "tenant_id": "t-4711"}]}


def write_json(path: Path, rows: int) -> None:
    """The same people, links and achievements as the CSV, as a dataset (SPEC 4.5)."""
    people = rows // PER_PERSON
    linked_at = (NOW - timedelta(hours=24)).isoformat()
    document = {
        "users": [{"id": f"pc:{ORG}:p{p}@fabrikam.example", "organization": ORG, "upn": f"p{p}@fabrikam.example", "display_name": f"First{p} Last{p}"} for p in range(people)],
        "msa_links": [{"user": f"pc:{ORG}:p{p}@fabrikam.example", "msa": f"p{p}@outlook.example", "linked_at": linked_at} for p in range(people)],
        "achievements": [
            {"msa": f"p{p}@outlook.example", "code": code, "kind": "certification", "earned_at": f"{c.isoformat()}T00:00:00+00:00", "expires_at": f"{e.isoformat()}T00:00:00+00:00"}
            for p, code, _title, c, e in records(rows)
        ],
    }
    path.write_text(json.dumps(document), encoding="utf-8")


async def fresh(url: str) -> UnitOfWorkFactory:
    engine = create_engine(url)
    await upgrade_database(engine)
    uows = UnitOfWorkFactory(session_factory(engine))
    await import_dataset(uows, organization(), NOW)
    return uows


async def time_json(url: str, path: Path) -> float:
    uows = await fresh(url)
    start = time.perf_counter()
    await import_dataset(uows, parse_dataset(path.read_bytes()), NOW)
    return time.perf_counter() - start


async def time_csv(url: str, path: Path) -> float:
    uows = await fresh(url)
    start = time.perf_counter()
    report = await import_exports(uows, [path], NOW)
    assert report.changes["achievements"].added == report.files[0].rows, report
    return time.perf_counter() - start


def peak_memory(url: str, path: Path) -> int:
    """KiB of peak RSS of a fresh process importing `path`."""
    out = subprocess.run([sys.executable, __file__, "--child", url, str(path)], check=True, capture_output=True, text=True).stdout
    return int(out.split()[-1])


async def child(url: str, path: Path) -> None:
    uows = await fresh(url)
    await import_exports(uows, [path], NOW)
    print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--large", type=int, default=1_000_000)
    parser.add_argument("--child", nargs=2, metavar=("URL", "FILE"))
    args = parser.parse_args()
    if args.child:
        asyncio.run(child(args.child[0], Path(args.child[1])))
        return
    with tempfile.TemporaryDirectory() as directory:
        base = Path(directory)
        csv_path, json_path, large_path = base / "TrainingCompletions.csv", base / "dataset.json", base / "TrainingCompletions-large.csv"
        write_csv(csv_path, args.rows)
        write_json(json_path, args.rows)
        json_seconds = asyncio.run(time_json(f"sqlite+aiosqlite:///{base / 'json.db'}", json_path))
        csv_seconds = asyncio.run(time_csv(f"sqlite+aiosqlite:///{base / 'csv.db'}", csv_path))
        print(f"import {args.rows:,} TrainingCompletions rows: CSV {csv_seconds:.1f} s, JSON of the same records {json_seconds:.1f} s, ratio {csv_seconds / json_seconds:.2f}x (aim <= 1.5x)")
        small = peak_memory(f"sqlite+aiosqlite:///{base / 'small.db'}", csv_path)
        write_csv(large_path, args.large)
        large = peak_memory(f"sqlite+aiosqlite:///{base / 'large.db'}", large_path)
        print(f"peak RSS importing {args.rows:,} rows: {small / 1024:.0f} MiB; {args.large:,} rows: {large / 1024:.0f} MiB; ratio {large / small:.2f} (aim within 20 %)")


if __name__ == "__main__":
    main()
