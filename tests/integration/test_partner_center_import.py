"""`competency-bot import` of Partner Center exports (SPEC 4.8), in the US form Insights downloads
and the German form a spreadsheet re-saves: exact figures after import, a second import changing
nothing, what was skipped, and every bad file rejected by FILE:LINE:COLUMN with nothing written."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from bot.operator.cli import main
from services.importer import import_dataset
from services.partner_center.exports import import_exports
from services.progress import organization_progress
from tests.conftest import dump_database, dump_database_at
from tests.partner_center_files import (
    NOW,
    ORG,
    PERFORMANCE,
    PERFORMANCE_HEADER,
    SUMMARY,
    SUMMARY_HEADER,
    TRAINING_HEADER,
    TRAININGS,
    organization_dataset,
    write_csv,
    write_exports,
    write_json,
)

FORMS = ["us", "german"]

SKIPPED = [
    "skipped 3 rows naming a credential the catalog does not know: 'Microsoft Certified: Azure Fundamentals' (2), 'Exam AZ-900: Microsoft Azure Fundamentals' (1); add the name to that credential's `aliases` in the catalog",
    "skipped 2 rows naming a competency the catalog does not know: 'Cloud Business Applications' (1), 'Windows and Devices' (1); add the name to that competency's `aliases` in the catalog",
    "skipped 1 row naming a metric the catalog does not know: 'Azure Marketplace Revenue' (1); add the name to that metric's `aliases` in the catalog",
    "skipped 2 rows whose status is not Active, so they do not count: 'Inactive' (2)",
]


async def _import(uows, tmp_path: Path, form: str, dry_run: bool = False):
    return await import_exports(uows, write_exports(tmp_path, form), NOW, organization=ORG, dry_run=dry_run)


@pytest.mark.parametrize("form", FORMS)
async def test_the_exports_give_the_figures_they_imply(form, uows, tmp_path):
    await import_dataset(uows, organization_dataset(), NOW)

    report = await _import(uows, tmp_path, form)
    evaluation = await organization_progress(uows, ORG, NOW)
    cloud = evaluation.assessment.competency("cloud-platform")
    consumption, people = cloud.levels["gold"].options[0].requirements

    assert [(f.dataset, f.rows, f.counted) for f in report.files] == [
        ("TrainingCompletions", 8, 4), ("CompetencyPerformanceRequirement", 15, 13), ("CompetencySummaryHistory", 4, 2),
    ]
    assert sorted(people.counted) == ["pc:4711:ben@fabrikam.example", "u-anna"]  # Anna by her Entra id, Ben created
    assert (people.current, people.required) == (2, 2)
    assert (consumption.current, consumption.required) == (108000, 100000)  # 11 × 8,000.50 + 19,994.50
    assert cloud.levels["gold"].met
    assert [(h.competency, h.level, h.since) for h in evaluation.snapshot.held] == [
        ("cloud-platform", "silver", date(2026, 3, 1)), ("data-analytics", "silver", date(2025, 12, 1)),
    ]
    assert (evaluation.snapshot.membership.level, evaluation.snapshot.membership.expires_on) == ("silver", date(2027, 2, 28))
    assert {s: (c.added, c.changed, c.removed) for s, c in report.changes.items()} == {
        "users": (2, 0, 0), "msa_links": (3, 0, 0), "achievements": (4, 0, 0),
        "metrics": (12, 0, 0), "held_levels": (2, 0, 0), "memberships": (0, 1, 0),
    }
    assert report.unchanged_rows == 0  # Anna was known, but her MSA link is new
    assert list(report.skipped) == SKIPPED
    assert list(report.warnings) == [
        f"{tmp_path / f'CompetencyPerformanceRequirement-{form}.csv'}:14: Cloud Platform (Azure consumption): "
        "Partner Center's Gold threshold for Azure consumption is 120,000, the catalog's 100,000"
    ]


@pytest.mark.parametrize("form", FORMS)
async def test_a_second_import_of_the_same_files_changes_nothing(form, uows, engine, tmp_path):
    await import_dataset(uows, organization_dataset(), NOW)
    await _import(uows, tmp_path, form)
    first = await dump_database(engine)

    report = await _import(uows, tmp_path, form)

    assert await dump_database(engine) == first
    assert all(c.added == c.changed == c.removed == 0 for c in report.changes.values())
    assert report.organizations == ()
    assert report.unchanged_rows == 4 + 13 + 2  # every counted row of the three files


async def test_a_later_export_that_renews_a_certification_changes_only_that_achievement(uows, tmp_path):
    await import_dataset(uows, organization_dataset(), NOW)
    await _import(uows, tmp_path, "us")
    rows = [list(r) for r in TRAININGS]
    rows[0][TRAINING_HEADER.index("ExpirationDate")] = date(2028, 3, 15)  # Anna renewed AZ-104

    report = await import_exports(uows, [write_csv(tmp_path / "later.csv", TRAINING_HEADER, rows)], NOW)

    assert {s: (c.added, c.changed) for s, c in report.changes.items() if c.added or c.changed} == {"achievements": (0, 1)}
    assert report.unchanged_rows == 3 and report.organizations == (ORG,)


async def test_the_us_and_german_forms_store_the_same_rows(uows, engine, tmp_path):
    await import_dataset(uows, organization_dataset(), NOW)
    (tmp_path / "us").mkdir()
    (tmp_path / "german").mkdir()
    await _import(uows, tmp_path / "us", "us")
    us = await dump_database(engine)

    report = await _import(uows, tmp_path / "german", "german")

    assert await dump_database(engine) == us
    assert all(c.added == c.changed == 0 for c in report.changes.values())


async def test_a_dry_run_reports_what_it_would_do_and_writes_nothing(uows, engine, tmp_path):
    await import_dataset(uows, organization_dataset(), NOW)
    before = await dump_database(engine)

    report = await _import(uows, tmp_path, "us", dry_run=True)

    assert await dump_database(engine) == before
    assert report.dry_run and report.changes["achievements"].added == 4 and list(report.skipped) == SKIPPED


async def test_an_msa_partner_center_lists_elsewhere_leaves_its_old_organisation(uows, tmp_path):
    dataset = organization_dataset()
    dataset["users"].append({"id": "u-zoe", "organization": "9999", "display_name": "Zoe"})
    dataset["msa_links"] = [{"user": "u-zoe", "msa": "ben.baker@outlook.example", "linked_at": "2026-01-01T00:00:00+00:00"}]
    await import_dataset(uows, dataset, NOW)

    report = await _import(uows, tmp_path, "us")

    assert report.dissolved_links == 1 and "9999" in report.organizations


def test_the_command_imports_a_json_dataset_and_the_csvs_in_one_go(database_url, tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("DATABASE_URL", database_url)
    files = [str(write_json(tmp_path / "org.json", organization_dataset())), *map(str, write_exports(tmp_path, "german"))]

    assert main(["import", *files, "--dry-run", "--org", ORG]) == 0
    dry = capsys.readouterr()
    assert main(["import", *files, "--org", ORG]) == 0
    done = capsys.readouterr()

    assert "dry run, nothing written: would add 2 user(s), 3 MSA link(s), 4 achievement(s), 12 metric value(s), 2 held level(s); would change 1 membership(s); 0 row(s) already up to date" in dry.out
    assert "imported 2 organizations, 1 users" in done.out
    assert "added 2 user(s), 3 MSA link(s), 4 achievement(s), 12 metric value(s), 2 held level(s); changed 1 membership(s); 0 row(s) already up to date" in done.out
    assert done.err.splitlines()[1:] == SKIPPED and done.err.startswith("warning: ")


def _without(column: str):
    """A file without `column`: header and values."""
    def change(header, rows):
        i = header.index(column)
        return header[:i] + header[i + 1:], [r[:i] + r[i + 1:] for r in rows]
    return change


def _cell(row: int, column: str, value):
    def change(header, rows):
        rows = [list(r) for r in rows]
        rows[row][header.index(column)] = value
        return header, rows
    return change


T, P, S = "TrainingCompletions", "CompetencyPerformanceRequirement", "CompetencySummaryHistory"
# (case, file, change, form -> value or None, expected message after "competency-bot: error: FILE")
BAD_FILES = [
    ("missing column", T, _without("CorpEmail"), ":1:CorpEmail: missing required column of TrainingCompletions"),
    ("missing metric column", P, _without("MetricMonthlyContribution"), ":1:MetricMonthlyContribution: missing required column of CompetencyPerformanceRequirement"),
    ("bad US date", T, _cell(1, "TrainingCompletionDate", "2/30/2026"), ":3:TrainingCompletionDate: not a date: '2/30/2026' (day is out of range for month)"),
    ("bad German date", T, _cell(1, "ExpirationDate", "30.2.2027"), ":3:ExpirationDate: not a date: '30.2.2027' (day is out of range for month)"),
    ("no date", S, _cell(2, "CompetencyEndDate", "soon"), ":4:CompetencyEndDate: not a date: 'soon' (expected YYYY-MM-DD, M/D/YYYY or D.M.YYYY)"),
    ("expiry before completion", T, _cell(0, "ExpirationDate", date(2025, 1, 1)), ":2:ExpirationDate: must be after TrainingCompletionDate"),
    ("bad number", P, _cell(3, "MetricMonthlyContribution", "lots"), ":5:MetricMonthlyContribution: not a number: 'lots'"),
    ("bad month", P, _cell(0, "Month", "2026-13"), ":2:Month: not a month: '2026-13'"),
    ("bad level", S, _cell(0, "CompetencyLevel", "Platinum"), ":2:CompetencyLevel: not a level: 'Platinum' (expected Gold or Silver)"),
]
# Without --org, each TrainingCompletions row names its organisation.
UNKNOWN_ORGANISATION = ("unknown organisation", T, _cell(6, "MpnId", "0815"), ":8:MpnId: unknown organization '0815'")


def _write_bad(tmp_path: Path, form: str, dataset: str, change) -> list[str]:
    tables = {T: (TRAINING_HEADER, TRAININGS), P: (PERFORMANCE_HEADER, PERFORMANCE), S: (SUMMARY_HEADER, SUMMARY)}
    paths = []
    for name, (header, rows) in tables.items():
        if name == dataset:
            header, rows = change(header, rows)
        paths.append(str(write_csv(tmp_path / f"{name}-{form}.csv", header, rows, form)))
    return paths


@pytest.mark.parametrize("form", FORMS)
@pytest.mark.parametrize(("case", "dataset", "change", "message"), [*BAD_FILES, UNKNOWN_ORGANISATION], ids=[c[0] for c in [*BAD_FILES, UNKNOWN_ORGANISATION]])
def test_a_bad_export_exits_2_naming_file_line_and_column_and_writes_nothing(case, dataset, change, message, form, database_url, tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("DATABASE_URL", database_url)
    assert main(["import", str(write_json(tmp_path / "org.json", organization_dataset()))]) == 0
    before = dump_database_at(database_url)
    files = _write_bad(tmp_path, form, dataset, change)

    code = main(["import", *files[:1]] if case == "unknown organisation" else ["import", *files, "--org", ORG])

    error = capsys.readouterr().err
    bad = next(f for f in files if Path(f).name.startswith(dataset))
    assert code == 2
    assert error.startswith(f"competency-bot: error: {bad}{message}"), error
    assert error.count("\n") == 1 and "Traceback" not in error
    assert dump_database_at(database_url) == before


def test_a_bad_number_in_german_form_is_read_as_german(database_url, tmp_path, monkeypatch, capsys):
    """`8.000,50` is 8000.5 in a `;` file but not a number in a `,` file."""
    monkeypatch.setenv("DATABASE_URL", database_url)
    main(["import", str(write_json(tmp_path / "org.json", organization_dataset()))])
    rows = [list(r) for r in PERFORMANCE]
    rows[0][PERFORMANCE_HEADER.index("MetricMonthlyContribution")] = "8000,50"
    path = write_csv(tmp_path / "perf.csv", PERFORMANCE_HEADER, rows, "us")

    assert main(["import", str(path), "--org", ORG]) == 2
    assert capsys.readouterr().err == f"competency-bot: error: {path}:2:MetricMonthlyContribution: not a number: '8000,50' (expected e.g. 1,234.5)\n"


@pytest.mark.parametrize(("case", "content", "org", "message"), [
    ("not an export", b"Name,Value\nx,1\n", ORG, ":1: not a Partner Center export this import reads"),
    ("no organisation for performance", None, None, ":1: CompetencyPerformanceRequirement has no organisation column: give --org ORG_ID"),
    ("not UTF-8", "CompetencyName;CompetencyLevel;CompetencyStatus;CompetencyStartDate;CompetencyEndDate\nRäume;Gold;Active;1.1.2026;1.1.2027\n".encode("cp1252"), ORG,
     ":2: not UTF-8 text (byte 2 of the line); save the file as \"CSV UTF-8\""),
    ("unknown --org", None, "nope", None),
], ids=lambda v: v if isinstance(v, str) and " " in v else "")
def test_a_file_that_cannot_be_read_exits_2(case, content, org, message, database_url, tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("DATABASE_URL", database_url)
    main(["import", str(write_json(tmp_path / "org.json", organization_dataset()))])
    path = tmp_path / "file.csv"
    if content is None:
        write_csv(path, PERFORMANCE_HEADER, PERFORMANCE, "us")
    else:
        path.write_bytes(content)

    code = main(["import", str(path), *(["--org", org] if org else [])])

    error = capsys.readouterr().err
    assert code == 2
    expected = f"competency-bot: error: {path}{message}" if message else "competency-bot: error: --org: unknown organization 'nope'"
    assert error.startswith(expected), error


