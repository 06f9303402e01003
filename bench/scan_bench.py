"""The periodic alert scan at scale (a benchmark, not a test).

    .venv/bin/python bench/scan_bench.py --database-url postgresql+asyncpg://postgres@127.0.0.1:5432/bench_scan
    .venv/bin/python bench/scan_bench.py --organizations 1000      # a smaller run

1. 10,000 organisations of 20 people (bench/evaluation_bench.py's generator: one MSA link each,
   3 achievements each, 14 months of metrics, two held Silver levels) imported once into the
   database the URL names (kept between runs: a second run skips the import).
2. Each scan runs in a fresh process, as `serve`'s periodic scan does (`scan_alerts(uows, now)`);
   every organisation it judges is counted (the evaluation it asks for).
   - first scan: one instance, after the scan state and the alert causes were emptied;
   - second scan: one instance, nothing changed since the first;
   - shared scan: the first scan again (state emptied) by two instances started together; each
     organisation should be judged once, and the wall time be under 60 % of the first scan's.
Fixed seed and fixed "now": every run generates the same data. Works on the code before the scan
state existed as well (then every scan judges everything, and two instances judge it twice).
"""

from __future__ import annotations

import argparse
import asyncio
import inspect
import json
import os
import subprocess
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
for path in (ROOT, ROOT / "bench"):
    if str(path) not in sys.path:
        sys.path.insert(0, str(path))

import evaluation_bench  # noqa: E402  (bench/: the dataset generator)
from sqlalchemy import func, select, text  # noqa: E402
from sqlalchemy import inspect as sql_inspect  # noqa: E402

import services.alert_scan as alert_scan  # noqa: E402
from services.importer import import_dataset  # noqa: E402
from services.persistence.database import create_engine, session_factory, upgrade_database  # noqa: E402
from services.persistence.repository import CatalogCache  # noqa: E402
from services.persistence.tables import OrganizationRow  # noqa: E402
from services.persistence.unit_of_work import UnitOfWorkFactory  # noqa: E402

NOW = evaluation_bench.NOW
PEOPLE = 20
ACHIEVEMENTS_EACH = 3
IMPORT_CHUNK = 500  # organisations per import transaction


def dataset_chunk(first: int, count: int) -> dict:
    catalog = CatalogCache().bundled()
    merged: dict = {}
    for n in range(first, first + count):
        dataset, _ = evaluation_bench.build_dataset(catalog, f"scan-{n:05d}", PEOPLE, evaluation_bench.SEED + n, achievements_per_person=ACHIEVEMENTS_EACH)
        dataset["organizations"][0]["name"] = f"Scan Partner {n:05d}"
        dataset["organizations"][0]["tenant_id"] = f"tenant-scan-{n:05d}"
        for user in dataset["users"]:
            user["aad_object_id"] = f"{user['id']}-aad"
        for section, records in dataset.items():
            if isinstance(records, list):
                merged.setdefault(section, []).extend(records)
    return merged


async def prepare(database_url: str, organizations: int) -> float:
    engine = create_engine(database_url)
    try:
        await upgrade_database(engine)
        uows = UnitOfWorkFactory(session_factory(engine))
        async with uows() as uow:
            present = await uow.session.scalar(select(func.count()).select_from(OrganizationRow))
        if present == organizations:
            return 0.0
        if present:
            raise SystemExit(f"the database holds {present} organisations, not {organizations}: use an empty one")
        started = time.perf_counter()
        for first in range(0, organizations, IMPORT_CHUNK):
            await import_dataset(uows, dataset_chunk(first, min(IMPORT_CHUNK, organizations - first)), NOW)
        return time.perf_counter() - started
    finally:
        await engine.dispose()


async def reset(database_url: str) -> None:
    """Back to "never scanned": no scan state, no alert causes, no deliveries."""
    engine = create_engine(database_url)
    try:
        async with engine.begin() as connection:
            tables = await connection.run_sync(lambda sync: set(sql_inspect(sync).get_table_names()))
            for table in ("alert_deliveries", "alert_causes", "organization_scans"):
                if table in tables:
                    await connection.execute(text(f"DELETE FROM {table}"))
    finally:
        await engine.dispose()


async def child(database_url: str, worker: str, judged_file: Path, start_at: float) -> None:
    """One instance's periodic scan; the organisations it judged go to `judged_file`."""
    judged: list[str] = []
    if hasattr(alert_scan, "progress_entries"):  # a batch of organisations judged together
        name, batch = "progress_entries", True
    else:  # older code: one at a time
        name, batch = ("progress_entry" if hasattr(alert_scan, "progress_entry") else "organization_progress"), False
    original = getattr(alert_scan, name)

    async def counting(uows, organizations, now, *args):
        judged.extend(organizations if batch else [organizations])
        return await original(uows, organizations, now, *args)

    setattr(alert_scan, name, counting)
    application = f"scan-bench-{worker}"
    engine = create_engine(database_url, connect_args={"server_settings": {"application_name": application}})
    try:
        uows = UnitOfWorkFactory(session_factory(engine))
        async with uows() as uow:  # connect and warm the catalog before the clock starts
            await uow.repository.active_catalog()
        while time.time() < start_at:
            await asyncio.sleep(0.005)
        kwargs = {"worker": worker} if "worker" in inspect.signature(alert_scan.scan_alerts).parameters else {}
        database_started = await backend_cpu(engine, application)
        started, cpu_started = time.perf_counter(), time.process_time()
        report = await alert_scan.scan_alerts(uows, NOW + timedelta(minutes=1), **kwargs)
        seconds, cpu = time.perf_counter() - started, time.process_time() - cpu_started
        database_ended = await backend_cpu(engine, application)
    finally:
        await engine.dispose()
    database = None if database_started is None or database_ended is None else database_ended - database_started
    judged_file.write_text(json.dumps({"seconds": seconds, "cpu": cpu, "database_cpu": database, "judged": judged, "new": report.new_causes, "skipped": getattr(report, "skipped", 0)}))


async def backend_cpu(engine, application: str) -> float | None:
    """CPU seconds the PostgreSQL backends serving this instance have used (read from /proc: the
    server must run on this machine; None otherwise). Parallel query workers are not included."""
    async with engine.connect() as connection:
        pids = (await connection.execute(text("SELECT pid FROM pg_stat_activity WHERE application_name = :name"), {"name": application})).scalars().all()
    total = 0.0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            return None
        total += (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")  # utime + stime
    return total


def run_instances(database_url: str, count: int, workdir: Path, label: str) -> dict:
    start_at = time.time() + 3.0  # every instance starts its clock together, after its imports
    files = [workdir / f"{label}-{i}.json" for i in range(count)]
    processes = [
        subprocess.Popen([sys.executable, __file__, "--database-url", database_url, "--child", str(f), "--worker", f"{label}-{i}", "--start-at", str(start_at)], cwd=ROOT)
        for i, f in enumerate(files)
    ]
    for process in processes:
        if process.wait() != 0:
            raise SystemExit(f"a scan instance failed with {process.returncode}")
    results = [json.loads(f.read_text()) for f in files]
    judged = [o for r in results for o in r["judged"]]
    return {
        "wall": max(r["seconds"] for r in results),
        "each": [r["seconds"] for r in results],
        "cpu": [r.get("cpu", 0.0) for r in results],
        "database_cpu": [r.get("database_cpu") for r in results],
        "judged": len(judged),
        "distinct": len(set(judged)),
        "per_instance": [len(r["judged"]) for r in results],
        "new_causes": sum(r["new"] for r in results),
    }


def describe(label: str, result: dict) -> str:
    each = ", ".join(f"{s:.1f} s" for s in result["each"])
    cpu = ", ".join(f"{s:.1f} s" for s in result["cpu"])
    database = ", ".join("?" if s is None else f"{s:.1f} s" for s in result["database_cpu"])
    per_organization = 1000 * sum(result["cpu"]) / result["judged"] if result["judged"] else 0.0
    return (f"{label:<34} {result['wall']:8.1f} s wall ({each}; scanner CPU {cpu} = {per_organization:.2f} ms/organisation; "
            f"PostgreSQL CPU {database}); judged {result['judged']:,} ({result['distinct']:,} distinct; per instance {result['per_instance']}); "
            f"new causes {result['new_causes']:,}; load average {os.getloadavg()[0]:.1f}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--organizations", type=int, default=10_000)
    parser.add_argument("--child", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--worker", default="bench", help=argparse.SUPPRESS)
    parser.add_argument("--start-at", type=float, default=0.0, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        asyncio.run(child(args.database_url, args.worker, args.child, args.start_at))
        return 0
    imported = asyncio.run(prepare(args.database_url, args.organizations))
    backend = args.database_url.split("+")[0].split(":")[0]
    print(f"scan bench: {backend}, {args.organizations:,} organisations of {PEOPLE} people, {ACHIEVEMENTS_EACH} achievements each"
          f" ({f'imported in {imported:.0f} s' if imported else 'already imported'}); {os.cpu_count()} CPUs, shared machine", flush=True)
    with tempfile.TemporaryDirectory(prefix="scan-bench-") as workdir:
        asyncio.run(reset(args.database_url))
        first = run_instances(args.database_url, 1, Path(workdir), "first")
        print(describe("first scan, one instance", first), flush=True)
        second = run_instances(args.database_url, 1, Path(workdir), "second")
        print(describe("second scan, nothing changed", second), flush=True)
        asyncio.run(reset(args.database_url))
        shared = run_instances(args.database_url, 2, Path(workdir), "shared")
        print(describe("first scan shared by two instances", shared), flush=True)
    print("=== summary ===")
    print(f"second / first: {second['wall'] / first['wall']:.1%} (aim < 5 %)")
    print(f"shared / first: {shared['wall'] / first['wall']:.1%} (aim < 60 %); organisations judged {shared['judged']:,} for {args.organizations:,} "
          f"-> {'each once' if shared['judged'] == shared['distinct'] == args.organizations else 'NOT each once'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
