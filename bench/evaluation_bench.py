"""Evaluation and import benchmarks (a benchmark, not a test): timings, ratios, peak memory.

    .venv/bin/python bench/evaluation_bench.py                      # SQLite files in a temporary directory
    .venv/bin/python bench/evaluation_bench.py --database-url postgresql+asyncpg://postgres@127.0.0.1:5432/postgres
    .venv/bin/python bench/evaluation_bench.py --profile            # also cProfile one 10,000-person evaluation

1. Organisations of 100 / 1,000 / 10,000 people (one MSA link each, on average 5 achievements drawn
   from the codes the bundled catalog's requirements name, some expired, pending or belonging to
   leavers; 14 months of every metric the catalog uses), each imported with `import_dataset` into a
   fresh migrated database. `organization_progress` is timed (one warm-up, then best and median of
   5 runs), split into load (`Repository.snapshot`) and evaluate (`evaluate_organization`), and the
   time per person is compared between sizes: it must not grow faster than linearly.
2. Peak RSS (`ru_maxrss`) of a fresh process that loads and evaluates the 10,000-person organisation
   (`--peak-memory DB ORG_ID`, where DB is a SQLite file or a database URL), and for context the
   same with the bot server's modules imported first (`--preload bot.bootstrap`).
3. Import rate of one dataset with 20,000 users, 20,000 links and 100,000 achievements into a fresh
   database: validation (`validate_dataset`) against the whole `import_dataset` call.

`--database-url` runs all three on PostgreSQL instead, in a database `bench` that the script
creates next to the one the URL names (CREATE DATABASE on that server) and whose tables it drops
before each fresh start. Fixed seed and fixed "now": every run generates the same data.
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import gc
import importlib
import io
import json
import os
import pstats
import random
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from sqlalchemy import text  # noqa: E402
from sqlalchemy.engine import make_url  # noqa: E402
from sqlalchemy.ext.asyncio import AsyncSession, create_async_engine  # noqa: E402

import services.importer as importer  # noqa: E402
import services.progress as progress  # noqa: E402
from services.dataset_validation import validate_dataset  # noqa: E402
from services.domain.catalog import Catalog  # noqa: E402
from services.domain.organization import evaluate_organization  # noqa: E402
from services.importer import import_dataset  # noqa: E402
from services.persistence.database import create_engine, session_factory, upgrade_database  # noqa: E402
from services.persistence.repository import CatalogCache, Repository  # noqa: E402
from services.persistence.unit_of_work import UnitOfWorkFactory  # noqa: E402
from services.progress import organization_progress  # noqa: E402

SEED = 20240615
NOW = datetime(2026, 6, 15, 12, 0, tzinfo=timezone.utc)  # fixed, so every run sees the same states
SIZES = (100, 1_000, 10_000)
RUNS = 5
METRIC_MONTHS = 14
MEMORY_LIMIT_MB = 200
IMPORT_USERS, IMPORT_ACHIEVEMENTS = 20_000, 100_000
BENCH_DATABASE = "bench"
BOT_MODULE = "bot.bootstrap"  # imports botbuilder, aiohttp and the dialogs: the server's baseline


# --- the bundled catalog: which codes and metrics its requirements use -------------------------


def requirement_codes_and_metrics(catalog: Catalog) -> tuple[list[str], list[str]]:
    codes: set[str] = set()
    metrics: set[str] = set()

    def add(requirement: Any) -> None:
        if requirement.kind == "individuals":
            codes.update(requirement.codes)
        else:
            metrics.add(requirement.metric)

    for competency in catalog.competencies:
        for option in competency.options:
            for requirements in option.levels.values():
                for requirement in requirements:
                    add(requirement)
    for specialization in catalog.specializations:
        for requirement in specialization.requirements:
            add(requirement)
    for designation in catalog.designations:
        for track in designation.tracks:
            for metric in track.metrics:
                add(metric.source)
                for gate in metric.gates:
                    codes.update(gate.any_of)
    return sorted(codes), sorted(metrics)


# --- synthetic datasets ------------------------------------------------------------------------


def _ts(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def _months(now: datetime, count: int) -> list[str]:
    last = now.year * 12 + now.month - 1
    return [f"{i // 12:04d}-{i % 12 + 1:02d}" for i in range(last - count + 1, last + 1)]


def build_dataset(
    catalog: Catalog,
    org_id: str,
    people: int,
    seed: int,
    *,
    achievements_per_person: int | None = None,
    with_metrics: bool = True,
) -> tuple[dict[str, Any], dict[str, int]]:
    """One organisation with `people` users, one MSA link each and achievements (random 0-10 per
    person, mean 5, or exactly `achievements_per_person`). Returns the dataset and what it holds."""
    rng = random.Random(seed)
    codes, metric_names = requirement_codes_and_metrics(catalog)
    kinds = {code: c.kind for code, c in catalog.credentials.items()}
    held = [c.id for c in catalog.competencies if "silver" in c.levels][:2]
    stats = dict(users=people, leavers=0, future_leavers=0, pending_links=0, achievements=0,
                 expired=0, expiring_before_anniversary=0, pending_achievements=0)
    expires_on = NOW.date() + timedelta(days=120)
    organization = {
        "id": org_id,
        "name": f"Bench Partner {people:,}",
        "tenant_id": f"tenant-{org_id}",
        "market": "developed",
        "membership": {"level": "silver", "purchased_on": (expires_on - timedelta(days=365)).isoformat(), "expires_on": expires_on.isoformat()},
        "held": [{"competency": c, "level": "silver", "since": (expires_on - timedelta(days=365)).isoformat()} for c in held],
    }
    users: list[dict[str, Any]] = []
    links: list[dict[str, Any]] = []
    achievements: list[dict[str, Any]] = []
    for i in range(people):
        user_id = f"{org_id}-u{i:05d}"
        user: dict[str, Any] = {
            "id": user_id,
            "organization": org_id,
            "aad_object_id": f"aad-{org_id}-{i:05d}",
            "upn": f"person{i}@{org_id}.example",
            "display_name": f"Person {i}",
            "roles": ["admin", "employee"] if i < 2 else ["employee"],
            "locale": rng.choice(("en-US", "de-DE", "en-GB")),
        }
        roll = rng.random()
        if roll < 0.05:  # left already: contributes nothing (R6)
            user["left_on"] = (NOW.date() - timedelta(days=rng.randint(1, 300))).isoformat()
            stats["leavers"] += 1
        elif roll < 0.06:  # leaves before the anniversary: a renewal risk
            user["left_on"] = (NOW.date() + timedelta(days=rng.randint(1, 100))).isoformat()
            stats["future_leavers"] += 1
        users.append(user)
        msa = f"p{i:05d}.{org_id}@outlook.example"
        if rng.random() < 0.02:  # linked in the last 20 hours: everything still pending (R3)
            linked_at = NOW - timedelta(minutes=rng.randint(10, 20 * 60))
            stats["pending_links"] += 1
        else:
            linked_at = NOW - timedelta(days=rng.randint(30, 1500), minutes=rng.randint(0, 1439))
        links.append({"user": user_id, "msa": msa, "purpose": "both", "linked_at": _ts(linked_at)})
        count = achievements_per_person if achievements_per_person is not None else rng.randint(0, 10)
        for code in rng.sample(codes, count):
            state = rng.random()
            expires_at: datetime | None
            if state < 0.15:  # expired (R5)
                expires_at = NOW - timedelta(days=rng.randint(1, 300), minutes=rng.randint(0, 1439))
                earned_at = expires_at - timedelta(days=365)
                stats["expired"] += 1
            elif state < 0.25:  # still valid, but expires before the membership does
                expires_at = NOW + timedelta(days=rng.randint(1, 110), minutes=rng.randint(0, 1439))
                earned_at = expires_at - timedelta(days=365)
                stats["expiring_before_anniversary"] += 1
            elif state < 0.27:  # earned in the last 20 hours: pending (R3)
                earned_at = NOW - timedelta(minutes=rng.randint(10, 20 * 60))
                expires_at = earned_at + timedelta(days=365)
                stats["pending_achievements"] += 1
            elif state < 0.60:
                earned_at = NOW - timedelta(days=rng.randint(1, 300), minutes=rng.randint(0, 1439))
                expires_at = NOW + timedelta(days=rng.randint(150, 700))
            else:  # no expiry (exams, assessments)
                earned_at = NOW - timedelta(days=rng.randint(2, 1400), minutes=rng.randint(0, 1439))
                expires_at = None
            row: dict[str, Any] = {"msa": msa, "code": code, "earned_at": _ts(earned_at)}
            if expires_at is not None:
                row["expires_at"] = _ts(expires_at)
            if code in kinds:
                row["kind"] = kinds[code]
            achievements.append(row)
    stats["achievements"] = len(achievements)
    dataset: dict[str, Any] = {"organizations": [organization], "users": users, "msa_links": links, "achievements": achievements}
    if with_metrics:
        dataset["metrics"] = [
            {"organization": org_id, "metric": metric, "month": month, "value": round(rng.uniform(0.2, 2.0) * people * 10, 2)}
            for metric in metric_names
            for month in _months(NOW, METRIC_MONTHS)
        ]
        stats["metric_values"] = len(dataset["metrics"])
    return dataset, stats


# --- databases -----------------------------------------------------------------------------------


class Databases:
    """Fresh migrated databases: SQLite files in a temporary directory, or the PostgreSQL `bench`
    database emptied (its tables dropped) each time."""

    def __init__(self, database_url: str | None, workdir: Path):
        self.postgres_admin_url = database_url
        self.workdir = workdir
        self.postgres_url: str | None = None

    @property
    def backend(self) -> str:
        return "postgresql" if self.postgres_admin_url else "sqlite"

    async def prepare(self) -> None:
        if not self.postgres_admin_url:
            return
        admin = create_async_engine(self.postgres_admin_url, isolation_level="AUTOCOMMIT")
        try:
            async with admin.connect() as connection:
                exists = await connection.scalar(text("SELECT 1 FROM pg_database WHERE datname = :name"), {"name": BENCH_DATABASE})
                if not exists:
                    await connection.execute(text(f'CREATE DATABASE "{BENCH_DATABASE}"'))
        finally:
            await admin.dispose()
        self.postgres_url = make_url(self.postgres_admin_url).set(database=BENCH_DATABASE).render_as_string(hide_password=False)

    async def fresh(self, name: str) -> tuple[str, str]:
        """A migrated, empty database: (SQLAlchemy URL, what `--peak-memory` is given)."""
        if self.postgres_url is None:
            path = self.workdir / f"{name}.db"
            for suffix in ("", "-wal", "-shm"):
                Path(f"{path}{suffix}").unlink(missing_ok=True)
            url = f"sqlite+aiosqlite:///{path}"
            target = str(path)
        else:
            url = target = self.postgres_url
            engine = create_async_engine(url)
            try:
                async with engine.begin() as connection:
                    tables = list(await connection.scalars(text("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")))
                    if tables:
                        await connection.execute(text("DROP TABLE IF EXISTS " + ", ".join(f'"{t}"' for t in tables) + " CASCADE"))
            finally:
                await engine.dispose()
        engine = create_engine(url)
        try:
            await upgrade_database(engine)
        finally:
            await engine.dispose()
        return url, target


# --- instrumentation (bench process only; nothing in the project changes) -----------------------


@contextmanager
def split_timer(totals: dict[str, float]) -> Iterator[None]:
    """Adds the time spent in `Repository.snapshots` (`snapshot` on older code) and `evaluate_organization` (as called by
    `organization_progress`) to totals['load'] and totals['evaluate'], and, where the use case
    computes how long its result stays valid (`next_change`), that time to totals['next_change']."""
    loader = "snapshots" if hasattr(Repository, "snapshots") else "snapshot"  # what progress.py calls
    original_snapshot = getattr(Repository, loader)
    original_evaluate = progress.evaluate_organization
    original_next_change = getattr(progress, "next_change", None)

    async def snapshot(self: Repository, organizations: Any):  # type: ignore[no-untyped-def]
        start = time.perf_counter()
        try:
            return await original_snapshot(self, organizations)
        finally:
            totals["load"] += time.perf_counter() - start

    def evaluate(*args: Any, **kwargs: Any):  # type: ignore[no-untyped-def]
        start = time.perf_counter()
        try:
            return original_evaluate(*args, **kwargs)
        finally:
            totals["evaluate"] += time.perf_counter() - start

    def next_change(*args: Any, **kwargs: Any):  # type: ignore[no-untyped-def]
        start = time.perf_counter()
        try:
            return original_next_change(*args, **kwargs)  # type: ignore[misc]
        finally:
            totals["next_change"] += time.perf_counter() - start

    setattr(Repository, loader, snapshot)
    progress.evaluate_organization = evaluate  # type: ignore[assignment]
    if original_next_change is not None:
        progress.next_change = next_change  # type: ignore[attr-defined]
    try:
        yield
    finally:
        setattr(Repository, loader, original_snapshot)
        progress.evaluate_organization = original_evaluate  # type: ignore[assignment]
        if original_next_change is not None:
            progress.next_change = original_next_change  # type: ignore[attr-defined]


def drop_cached_evaluations(uows: UnitOfWorkFactory) -> bool:
    """`organization_progress` may serve a cached evaluation (`uows.evaluations`): empty it so a
    run loads and evaluates. Returns whether there was such a cache."""
    cache = getattr(uows, "evaluations", None)
    if cache is None:
        return False
    uows.evaluations = type(cache)()  # type: ignore[attr-defined]
    return True


@contextmanager
def import_phases(phases: dict[str, float]) -> Iterator[None]:
    """Times the steps of `import_dataset` by wrapping the module-level helpers it calls."""
    names = ("validate_dataset", "_check_references", "_store_catalog", "dissolve_superseded_links", "bump_versions", "_WRITERS")
    saved = {name: getattr(importer, name) for name in names if hasattr(importer, name)}

    def timed(label: str, function: Callable[..., Any], is_async: bool) -> Callable[..., Any]:
        if is_async:
            async def wrapper(*args: Any, **kwargs: Any) -> Any:
                start = time.perf_counter()
                try:
                    return await function(*args, **kwargs)
                finally:
                    phases[label] = phases.get(label, 0.0) + time.perf_counter() - start
        else:
            def wrapper(*args: Any, **kwargs: Any) -> Any:  # type: ignore[misc]
                start = time.perf_counter()
                try:
                    return function(*args, **kwargs)
                finally:
                    phases[label] = phases.get(label, 0.0) + time.perf_counter() - start
        return wrapper

    importer.validate_dataset = timed("validate_dataset", saved["validate_dataset"], False)
    importer._check_references = timed("reference checks", saved["_check_references"], True)
    importer._store_catalog = timed("store catalog", saved["_store_catalog"], True)
    importer.dissolve_superseded_links = timed("dissolve superseded links", saved["dissolve_superseded_links"], True)
    if "bump_versions" in saved:
        importer.bump_versions = timed("bump versions", saved["bump_versions"], True)
    importer._WRITERS = tuple((section, timed(f"write {section}", writer, True)) for section, writer in saved["_WRITERS"])
    try:
        yield
    finally:
        for name, value in saved.items():
            setattr(importer, name, value)


# --- item 1: load + evaluate per size ----------------------------------------------------------


def _best_median(values: list[float]) -> tuple[float, float]:
    return min(values), statistics.median(values)


async def bench_size(databases: Databases, catalog: Catalog, people: int, runs: int, profile: bool) -> dict[str, Any]:
    org_id = f"org-{people}"
    start = time.perf_counter()
    dataset, stats = build_dataset(catalog, org_id, people, SEED + people)
    generated = time.perf_counter() - start
    url, target = await databases.fresh(f"org{people}")
    engine = create_engine(url)
    try:
        uows = UnitOfWorkFactory(session_factory(engine))
        start = time.perf_counter()
        await import_dataset(uows, dataset, NOW)
        imported = time.perf_counter() - start
        del dataset
        gc.collect()

        samples: list[dict[str, float]] = []
        evaluation = None
        cached = False
        for run in range(runs + 1):  # the first run is the warm-up
            totals = {"load": 0.0, "evaluate": 0.0, "next_change": 0.0}
            evaluation = None
            cached = drop_cached_evaluations(uows)
            gc.collect()
            with split_timer(totals):
                begin = time.perf_counter()
                evaluation = await organization_progress(uows, org_id, NOW)
                totals["total"] = time.perf_counter() - begin
            if run:
                samples.append(totals)
        assert evaluation is not None
        hits: list[float] = []
        if cached:  # the same call again, answered from the evaluation cache
            for _ in range(runs):
                begin = time.perf_counter()
                await organization_progress(uows, org_id, NOW)
                hits.append(time.perf_counter() - begin)
        snapshot = evaluation.snapshot
        facts = {
            "people": len(snapshot.people),
            "links": len(snapshot.links),
            "achievements": len(snapshot.achievements),
            "metrics": len(snapshot.metrics),
            "holders": len(evaluation.assessment.holdings),
            "eligible": evaluation.assessment.eligible_level,
            "profile": len(evaluation.assessment.profile()),
            "at_risk": evaluation.renewal.at_risk,
        }
        del evaluation, snapshot
        profile_text = await profile_evaluation(uows, org_id) if profile else None
    finally:
        await engine.dispose()
    result: dict[str, Any] = {"people": people, "org_id": org_id, "target": target, "generated": generated, "imported": imported, "stats": stats, "facts": facts, "profile": profile_text}
    for key in ("total", "load", "evaluate", "next_change"):
        result[key] = _best_median([s[key] for s in samples])
    result["other"] = _best_median([s["total"] - s["load"] - s["evaluate"] - s["next_change"] for s in samples])
    result["cache_hit"] = _best_median(hits) if hits else None
    return result


async def profile_evaluation(uows: UnitOfWorkFactory, org_id: str, top: int = 20) -> str:
    """Where one more load + evaluate of `org_id` spends its time (not part of the timings).

    cProfile loses track across SQLAlchemy's greenlet switches, so the load is broken down by
    timing each query instead, and only the (synchronous) evaluation is profiled."""
    out = io.StringIO()
    queries: list[tuple[str, int, float]] = []
    original_execute = AsyncSession.execute

    class _Rows:
        def __init__(self, rows: list[Any]):
            self._rows = rows

        def all(self) -> list[Any]:
            return self._rows

    async def execute(self: AsyncSession, statement: Any, *args: Any, **kwargs: Any) -> Any:
        start = time.perf_counter()
        rows = (await original_execute(self, statement, *args, **kwargs)).all()
        queries.append((statement.get_final_froms()[0].name, len(rows), time.perf_counter() - start))
        return _Rows(rows)

    gc.collect()
    AsyncSession.execute = execute  # type: ignore[method-assign]
    try:
        async with uows() as uow:
            start = time.perf_counter()
            snapshot = await uow.repository.snapshot(org_id)
            load = time.perf_counter() - start
            catalog = await uow.repository.active_catalog()
    finally:
        AsyncSession.execute = original_execute  # type: ignore[method-assign]
    assert snapshot is not None
    in_queries = sum(q[2] for q in queries)
    out.write(f"--- load of {org_id}: {load * 1e3:.1f} ms; queries incl. fetching rows {in_queries * 1e3:.1f} ms, "
              f"the rest (organisation row, building the snapshot from rows) {(load - in_queries) * 1e3:.1f} ms ---\n")
    for table, rows, seconds in queries:
        out.write(f"  {table:<30}{rows:>8,} rows {seconds * 1e3:8.1f} ms\n")

    timings = {}
    for label, collect in (("gc enabled", True), ("gc disabled", False)):
        best = float("inf")
        for _ in range(3):
            gc.collect()
            if not collect:
                gc.disable()
            start = time.perf_counter()
            evaluate_organization(snapshot, catalog, NOW)
            best = min(best, time.perf_counter() - start)
            gc.enable()
        timings[label] = best
    out.write(f"--- evaluate_organization on {org_id}: best of 3 {timings['gc enabled'] * 1e3:.1f} ms, "
              f"{timings['gc disabled'] * 1e3:.1f} ms with the garbage collector disabled ---\n")
    next_change = getattr(progress, "next_change", None)
    if next_change is not None:
        start = time.perf_counter()
        next_change(snapshot, catalog, NOW)
        out.write(f"--- next_change (how long the evaluation stays valid) on {org_id}: {(time.perf_counter() - start) * 1e3:.1f} ms ---\n")

    profiler = cProfile.Profile()
    gc.collect()
    profiler.enable()
    evaluate_organization(snapshot, catalog, NOW)
    profiler.disable()
    stats = pstats.Stats(profiler).stats  # type: ignore[attr-defined]

    def where(key: tuple[str, int, str]) -> str:
        filename, line, function = key
        if filename.startswith(str(ROOT)):
            filename = filename[len(str(ROOT)) + 1 :]
        return f"{filename}:{line}({function})" if line else function

    total = max(v[3] for v in stats.values())
    for title, column in (("own time (tottime)", 2), ("cumulative time", 3)):
        out.write(f"--- cProfile of evaluate_organization (profiled run {total:.2f} s), top {top} by {title} ---\n")
        out.write(f"  {'ncalls':>9} {'tottime':>8} {'cumtime':>8}  where\n")
        for key, (_cc, calls, tottime, cumtime, _callers) in sorted(stats.items(), key=lambda kv: -kv[1][column])[:top]:
            out.write(f"  {calls:>9,} {tottime:>8.3f} {cumtime:>8.3f}  {where(key)}\n")
    return out.getvalue()


def print_size(result: dict[str, Any]) -> None:
    s, f = result["stats"], result["facts"]
    print(
        f"\n[{result['people']:,} people] dataset: {s['users']:,} users ({s['leavers']} left, {s['future_leavers']} leaving before the anniversary, "
        f"{s['pending_links']} pending links), {s['achievements']:,} achievements ({s['expired']:,} expired, "
        f"{s['expiring_before_anniversary']:,} expiring before the anniversary, {s['pending_achievements']:,} pending), "
        f"{s.get('metric_values', 0)} metric values; generated in {result['generated']:.2f} s, imported in {result['imported']:.2f} s"
    )
    print(
        f"  snapshot: {f['people']:,} people, {f['links']:,} links, {f['achievements']:,} achievements, {f['metrics']} metric values; "
        f"{f['holders']:,} people hold a valid credential; eligible level {f['eligible']}, {f['profile']} level(s) on the profile, "
        f"renewal at risk: {f['at_risk']}"
    )
    print(f"  {'':<12}{'best':>11}{'median':>11}{'median/person':>16}")
    rows = ["total", "load", "evaluate"] + (["next_change"] if result["next_change"][1] else []) + ["other"]
    for key in rows:
        best, median = result[key]
        print(f"  {key:<12}{best * 1e3:>9.1f}ms{median * 1e3:>9.1f}ms{median / result['people'] * 1e6:>13.1f}µs")
    if result["cache_hit"]:
        best, median = result["cache_hit"]
        print(f"  (the rows above empty the evaluation cache first; the same call answered from the cache: best {best * 1e3:.1f} ms, median {median * 1e3:.1f} ms)")


def print_scaling(results: dict[int, dict[str, Any]]) -> list[tuple[str, float, float, str]]:
    """Per-person times and their growth. The verdict uses the best runs: noise from other work on
    the machine only ever adds time, so best-of-N is the steadier basis; medians are shown too."""
    print("\nTime per person (µs; best | median of runs):")
    print(f"  {'people':>8}{'total':>18}{'load':>18}{'evaluate':>18}")
    for people, r in results.items():
        print(f"  {people:>8,}" + "".join(f"{r[key][0] / people * 1e6:>9.1f} |{r[key][1] / people * 1e6:>7.1f}" for key in ("total", "load", "evaluate")))
    noisy = [people for people, r in results.items() if r["total"][1] > 1.3 * r["total"][0]]
    if noisy:
        print(f"  note: median more than 30% above best at {', '.join(f'{p:,}' for p in noisy)} people: the machine was busy, trust the best runs")
    print("Growth ratio = per-person time at the larger size / at the smaller (1.0 = linear; above it = faster than linear):")
    verdicts = []
    for small in (100, 1_000):
        big = 10_000
        if small not in results or big not in results:
            continue
        for key in ("total", "load", "evaluate"):
            best_ratio = (results[big][key][0] / big) / (results[small][key][0] / small)
            median_ratio = (results[big][key][1] / big) / (results[small][key][1] / small)
            verdict = "linear or better" if best_ratio <= 1.0 else ("~linear (within 25% noise)" if best_ratio <= 1.25 else "SUPERLINEAR")
            verdicts.append((f"{big:,} vs {small:,} {key}", best_ratio, median_ratio, verdict))
    for label, best_ratio, median_ratio, verdict in verdicts:
        print(f"  {label:<26} best {best_ratio:5.2f}  median {median_ratio:5.2f}  -> {verdict}")
    return verdicts


# --- item 2: peak memory in a fresh process ----------------------------------------------------


def peak_memory_child(target: str, org_id: str, preload: list[str]) -> int:
    """`--peak-memory DB ORG_ID`: load and evaluate once; print ru_maxrss (KiB on Linux) as JSON.
    `--preload MODULE` imports MODULE first (e.g. the bot's composition root, for its baseline)."""
    for module in preload:
        importlib.import_module(module)
    baseline = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    url = target if "://" in target else f"sqlite+aiosqlite:///{target}"

    async def run() -> dict[str, Any]:
        engine = create_engine(url)
        try:
            evaluation = await organization_progress(UnitOfWorkFactory(session_factory(engine)), org_id, NOW)
            return {"people": len(evaluation.snapshot.people), "achievements": len(evaluation.snapshot.achievements)}
        finally:
            await engine.dispose()

    facts = asyncio.run(run())
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    hwm = next((int(line.split()[1]) for line in Path("/proc/self/status").read_text().splitlines() if line.startswith("VmHWM:")), None)
    print(json.dumps({"baseline_kib": baseline, "peak_kib": peak, "vmhwm_kib": hwm, **facts}))
    return 0


def measure_peak_memory(target: str, org_id: str, preload: tuple[str, ...] = ()) -> dict[str, Any]:
    # A child that exec()s straight from this (large) process inherits its RSS high-water mark in
    # ru_maxrss: Linux keeps the old address space's peak across execve, and subprocess uses
    # vfork. A shell in between forks the measured process from a small address space.
    command = [sys.executable, str(Path(__file__).resolve()), "--peak-memory", target, org_id]
    for module in preload:
        command += ["--preload", module]
    completed = subprocess.run(
        ["/bin/sh", "-c", '"$@"; exit $?', "sh", *command], capture_output=True, text=True, cwd=ROOT, check=False
    )
    if completed.returncode != 0:
        raise RuntimeError(f"peak-memory child failed ({completed.returncode}):\n{completed.stderr}")
    return json.loads(completed.stdout.strip().splitlines()[-1])


# --- item 3: import rate -----------------------------------------------------------------------


async def bench_import(databases: Databases, catalog: Catalog) -> dict[str, Any]:
    dataset, stats = build_dataset(
        catalog, "org-import", IMPORT_USERS, SEED, achievements_per_person=IMPORT_ACHIEVEMENTS // IMPORT_USERS, with_metrics=False
    )
    assert stats["achievements"] == IMPORT_ACHIEVEMENTS, stats
    gc.collect()
    start = time.perf_counter()
    validate_dataset(dataset)
    validation = time.perf_counter() - start
    url, _ = await databases.fresh("import")
    engine = create_engine(url)
    phases: dict[str, float] = {}
    try:
        uows = UnitOfWorkFactory(session_factory(engine))
        gc.collect()
        with import_phases(phases):
            start = time.perf_counter()
            report = await import_dataset(uows, dataset, NOW)
            whole = time.perf_counter() - start
    finally:
        await engine.dispose()
    assert report.counts["achievements"] == IMPORT_ACHIEVEMENTS
    return {"validation": validation, "whole": whole, "phases": phases, "stats": stats}


def print_import(result: dict[str, Any]) -> None:
    whole, validation = result["whole"], result["validation"]
    print(
        f"\nImport of {IMPORT_USERS:,} users, {IMPORT_USERS:,} links, {IMPORT_ACHIEVEMENTS:,} achievements (one organisation) into a fresh database:"
    )
    print(f"  validate_dataset alone     {validation:7.2f} s")
    print(f"  import_dataset (whole)     {whole:7.2f} s  -> {IMPORT_ACHIEVEMENTS / whole:,.0f} achievements/s")
    print(f"  import minus validation    {whole - validation:7.2f} s  -> {IMPORT_ACHIEVEMENTS / (whole - validation):,.0f} achievements/s")
    print("  inside import_dataset:")
    accounted = 0.0
    for label, seconds in result["phases"].items():
        accounted += seconds
        print(f"    {label:<28}{seconds:7.2f} s  {seconds / whole:6.1%}")
    print(f"    {'rest (session, commit)':<28}{whole - accounted:7.2f} s  {(whole - accounted) / whole:6.1%}")


# --- main ----------------------------------------------------------------------------------------


async def run_all(args: argparse.Namespace, workdir: Path) -> None:
    databases = Databases(args.database_url, workdir)
    await databases.prepare()
    catalog = CatalogCache().bundled()
    codes, metrics = requirement_codes_and_metrics(catalog)
    where = databases.postgres_url and make_url(databases.postgres_url).render_as_string(hide_password=True)
    print(f"evaluation bench: backend {databases.backend}{f' ({where})' if where else ''}, seed {SEED}, now {NOW.isoformat()}, "
          f"Python {sys.version.split()[0]}, {os.cpu_count()} CPUs")
    print(f"catalog {catalog.version}: {len(codes)} credential codes in requirements, {len(metrics)} metrics; {args.runs} runs after 1 warm-up")

    start = time.perf_counter()
    validate_dataset({"organizations": []})  # compiles the schema, once per process
    compile_seconds = time.perf_counter() - start
    print(f"dataset schema compile (first validate_dataset in a process): {compile_seconds:.2f} s")

    results: dict[int, dict[str, Any]] = {}
    for people in SIZES:
        results[people] = await bench_size(databases, catalog, people, args.runs, args.profile and people == SIZES[-1])
        print_size(results[people])
    verdicts = print_scaling(results)

    biggest = results[SIZES[-1]]
    memory = measure_peak_memory(biggest["target"], biggest["org_id"])
    peak_mib = memory["peak_kib"] / 1024
    peak_mb = memory["peak_kib"] * 1024 / 1e6
    under = peak_mb < MEMORY_LIMIT_MB
    print(f"\nPeak memory of a fresh process loading and evaluating {biggest['org_id']} ({memory['people']:,} people, {memory['achievements']:,} achievements):")
    print(f"  ru_maxrss {memory['peak_kib']:,} KiB = {peak_mib:.1f} MiB = {peak_mb:.1f} MB (after imports, before loading: {memory['baseline_kib'] / 1024:.1f} MiB; "
          f"VmHWM {memory['vmhwm_kib'] / 1024:.1f} MiB) -> {'under' if under else 'NOT under'} {MEMORY_LIMIT_MB} MB")
    try:  # context: the same in a process that has the bot's modules loaded, as the server does
        with_bot = measure_peak_memory(biggest["target"], biggest["org_id"], (BOT_MODULE,))
    except RuntimeError as exc:
        with_bot = None
        print(f"  (with {BOT_MODULE} imported first: skipped, the child failed: {str(exc).splitlines()[-1]})")
    if with_bot:
        bot_mb = with_bot["peak_kib"] * 1024 / 1e6
        print(f"  context, with {BOT_MODULE} imported first (the bot server's modules): ru_maxrss {with_bot['peak_kib'] / 1024:.1f} MiB = {bot_mb:.1f} MB "
              f"(baseline {with_bot['baseline_kib'] / 1024:.1f} MiB) -> {'under' if bot_mb < MEMORY_LIMIT_MB else 'NOT under'} {MEMORY_LIMIT_MB} MB")

    imported = await bench_import(databases, catalog)
    print_import(imported)

    if biggest["profile"]:
        print("\n" + biggest["profile"])

    print(f"\n=== summary ({databases.backend}) ===")
    print(f"{'people':>8} {'import s':>9} {'total best':>11} {'total med':>10} {'load best':>10} {'eval best':>10} {'µs/person best':>15}")
    for people, r in results.items():
        print(f"{people:>8,} {r['imported']:>9.2f} {r['total'][0] * 1e3:>9.1f}ms {r['total'][1] * 1e3:>8.1f}ms "
              f"{r['load'][0] * 1e3:>8.1f}ms {r['evaluate'][0] * 1e3:>8.1f}ms {r['total'][0] / people * 1e6:>15.1f}")
    for label, best_ratio, median_ratio, verdict in verdicts:
        if label.endswith("total"):
            print(f"per-person ratio {label:<22} {best_ratio:5.2f} (median {median_ratio:4.2f})  {verdict}")
    print(f"peak RSS, 10,000 people       {peak_mb:7.1f} MB ({peak_mib:.1f} MiB)  {'OK' if under else 'OVER'} (< {MEMORY_LIMIT_MB} MB)")
    if with_bot:
        print(f"  same, bot modules loaded    {bot_mb:7.1f} MB ({with_bot['peak_kib'] / 1024:.1f} MiB)  {'OK' if bot_mb < MEMORY_LIMIT_MB else 'OVER'} (context only)")
    print(f"import 100,000 achievements   {imported['whole']:7.2f} s  {IMPORT_ACHIEVEMENTS / imported['whole']:,.0f}/s  "
          f"(validation {imported['validation']:.2f} s = {imported['validation'] / imported['whole']:.0%})")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--database-url", help="run on this PostgreSQL server (a database 'bench' is created there) instead of SQLite files")
    parser.add_argument("--peak-memory", nargs=2, metavar=("DB", "ORG_ID"), help="child mode: load and evaluate once, print ru_maxrss")
    parser.add_argument("--preload", action="append", default=[], metavar="MODULE", help="with --peak-memory: import MODULE first")
    parser.add_argument("--profile", action="store_true", help="also cProfile one 10,000-person load + evaluation")
    parser.add_argument("--runs", type=int, default=RUNS, help=f"timed runs per size after one warm-up (default {RUNS})")
    args = parser.parse_args(argv)
    if args.peak_memory:
        return peak_memory_child(*args.peak_memory, args.preload)
    if args.database_url and not args.database_url.startswith("postgresql"):
        parser.error("--database-url must be a postgresql+asyncpg:// URL")
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="evaluation-bench-") as workdir:
        asyncio.run(run_all(args, Path(workdir)))
    print(f"(bench took {time.perf_counter() - started:.0f} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
