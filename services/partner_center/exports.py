"""`competency-bot import` of Partner Center exports (SPEC 4.8): CSV files (and JSON datasets given
with them) in one transaction, streamed a chunk at a time so memory does not grow with a file's
length. `dry_run` does all of it, reports, and rolls back."""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from services.importer import ImportReport, Progress, write_dataset
from services.partner_center.csv_file import CsvFile, problem
from services.partner_center.datasets import COMPETENCY_PERFORMANCE, COMPETENCY_SUMMARY, TRAINING_COMPLETIONS, recognize
from services.partner_center.matching import CatalogNames
from services.partner_center.performance import MetricMonth, read_metric_month
from services.partner_center.rows import RowContext
from services.partner_center.skipped import Skipped
from services.partner_center.status import HeldRow, read_held
from services.partner_center.training import Completion, read_completion
from services.partner_center.writer import Changes, ExportWriter
from services.persistence.unit_of_work import UnitOfWorkFactory

logger = logging.getLogger(__name__)
CHUNK = 5000


@dataclass(frozen=True)
class FileRead:
    name: str
    dataset: str
    rows: int
    counted: int


@dataclass(frozen=True)
class ExportReport:
    files: tuple[FileRead, ...]
    changes: Mapping[str, Changes]
    skipped: tuple[str, ...]  # one line per kind (SPEC 4.8)
    warnings: tuple[str, ...]
    dissolved_links: int
    unchanged_rows: int  # counted rows whose records were all stored as they say already
    organizations: tuple[str, ...]  # every organisation whose data changed
    datasets: tuple[ImportReport, ...]  # the JSON datasets written in the same transaction
    dry_run: bool


async def import_exports(
    uows: UnitOfWorkFactory,
    paths: Sequence[Path],
    now: datetime,
    *,
    documents: Sequence[Mapping[str, Any]] = (),
    organization: str | None = None,
    dry_run: bool = False,
    progress: Progress | None = None,
) -> ExportReport:
    """Import the CSV files at `paths`, after the JSON `documents`, in one transaction. Raises
    `DatasetError` (`FILE:LINE:COLUMN: problem`) and writes nothing if any file is bad."""
    async with uows() as uow:
        datasets = tuple([await write_dataset(uow, document, now, progress) for document in documents])
        catalog = await uow.repository.active_catalog()  # a catalog in the JSON dataset is already in force
        writer = ExportWriter(uow, catalog, now)
        if organization is not None:
            await writer.check_organizations("--org", [(organization, 0, "--org")])
        names = CatalogNames(catalog)
        skipped = Skipped()
        files = [await _import_file(writer, RowContext(csv_file, names, organization, skipped), progress) for csv_file in map(CsvFile, paths)]
        if writer.touched:
            await uow.repository.bump_versions(writer.touched)
        if not dry_run:
            written = sum(c.added + c.changed + c.removed for c in writer.changes.values()) + sum(sum(d.counts.values()) for d in datasets)
            await uow.imports.refresh_planner_statistics(written)
            await uow.commit()
    touched = set(writer.touched).union(*(d.organizations for d in datasets))
    report = ExportReport(tuple(files), writer.changes, tuple(skipped.lines()), tuple(writer.warnings), writer.dissolved, writer.unchanged_rows, tuple(sorted(touched)), datasets, dry_run)
    logger.info("partner center exports imported", extra={"files": len(files), "dry_run": dry_run, "skipped": skipped.total})
    return report


async def _import_file(writer: ExportWriter, context: RowContext, progress: Progress | None) -> FileRead:
    with context.file as csv_file:
        dataset = recognize(csv_file, context.organization)
        read, collector_type = _HANDLERS[dataset.name]
        collector = collector_type(writer, context)
        rows = counted = 0
        for line, row in csv_file.rows():
            rows += 1
            record = read(context, line, row)
            if record is not None:
                counted += 1
                if await collector.add(record) and progress:
                    progress(csv_file.path.name, csv_file.position, csv_file.size)
        await collector.finish()
        if progress:
            progress(csv_file.path.name, csv_file.size, csv_file.size)
    return FileRead(context.file.name, dataset.name, rows, counted)


class _Completions:
    """Written a chunk at a time: nothing of the file but one chunk is held."""

    def __init__(self, writer: ExportWriter, context: RowContext):
        self.writer, self.context = writer, context
        self.chunk: list[Completion] = []

    async def add(self, record: Completion) -> bool:
        self.chunk.append(record)
        if len(self.chunk) < CHUNK:
            return False
        await self.finish()
        return True

    async def finish(self) -> None:
        if self.context.organizations:
            await self.writer.check_organizations(self.context.file.name, ((o, line, column) for o, (line, column) in self.context.organizations.items()))
            self.context.organizations.clear()
        if self.chunk:
            await self.writer.write_completions(self.context.file.name, self.chunk)
            self.chunk = []


class _MetricMonths:
    """One value per metric and month: Partner Center repeats a metric for every option that uses
    it, and those rows must agree. Held per (metric, month), so bounded by the catalog's metrics."""

    def __init__(self, writer: ExportWriter, context: RowContext):
        self.writer, self.context = writer, context
        self.unique: dict[tuple[str, str], MetricMonth] = {}
        self.rows: Counter[tuple[str, str]] = Counter()

    async def add(self, record: MetricMonth) -> bool:
        earlier = self.unique.setdefault((record.metric, record.month), record)
        self.rows[(record.metric, record.month)] += 1
        if earlier.value != record.value:
            file = self.context.file
            raise problem(file.name, record.line, file.column("metricmonthlycontribution"),
                          f"{record.value:,g} for {record.metric} in {record.month}, but line {earlier.line} says {earlier.value:,g}")
        assert self.context.organization is not None
        await self.writer.compare_thresholds(self.context.file.name, self.context.organization, record)
        return False

    async def finish(self) -> None:
        assert self.context.organization is not None
        await self.writer.write_metric_months(self.context.file.name, self.context.organization, list(self.unique.values()), self.rows)


class _HeldLevels:
    """A level listed more than once (its history) is held from the row that runs longest."""

    def __init__(self, writer: ExportWriter, context: RowContext):
        self.writer, self.context = writer, context
        self.latest: dict[tuple[str, str], HeldRow] = {}
        self.rows = 0

    async def add(self, record: HeldRow) -> bool:
        self.rows += 1
        key = (record.competency, record.level)
        if key not in self.latest or record.ends_on > self.latest[key].ends_on:
            self.latest[key] = record
        return False

    async def finish(self) -> None:
        assert self.context.organization is not None
        await self.writer.write_held(self.context.file.name, self.context.organization, list(self.latest.values()), self.rows)


_HANDLERS: dict[str, tuple[Callable[..., Any], Any]] = {
    TRAINING_COMPLETIONS.name: (read_completion, _Completions),
    COMPETENCY_PERFORMANCE.name: (read_metric_month, _MetricMonths),
    COMPETENCY_SUMMARY.name: (read_held, _HeldLevels),
}
