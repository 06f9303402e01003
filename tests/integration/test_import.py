"""`competency-bot import`: atomic, idempotent, and every bad file rejected by path with nothing written."""

from __future__ import annotations

import copy
import json
from datetime import datetime, timezone
from pathlib import Path

import pytest
from sqlalchemy import text

from bot.operator.cli import main
from services.dataset_validation import parse_dataset
from services.errors import DatasetError
from services.importer import import_dataset
from services.persistence.imports import BULK_ROWS
from services.progress import organization_progress
from tests.conftest import TEST_DATABASE_URL, dump_database, dump_database_at

EXAMPLE = Path(__file__).resolve().parents[2] / "docs" / "contract" / "example-dataset.json"
NOW = datetime(2026, 11, 21, 12, 0, tzinfo=timezone.utc)


def example() -> dict:
    return json.loads(EXAMPLE.read_text(encoding="utf-8"))


async def test_the_contract_example_imports_and_evaluates(uows):
    report = await import_dataset(uows, example(), NOW)

    evaluation = await organization_progress(uows, "1234567", NOW)
    cloud = evaluation.assessment.competency("cloud-platform")
    consumption, people = cloud.levels["silver"].options[0].requirements

    assert report.counts["users"] == 3 and report.catalog_changed
    assert evaluation.catalog.version == "mpn-2019-sample"
    assert consumption.current == 25000 and consumption.required == 15000  # ten months of 2,500 in 2026
    assert people.counted == ("u-ben",)  # Carla left on 2026-11-01


async def test_importing_the_same_file_twice_changes_nothing(uows, engine):
    await import_dataset(uows, example(), NOW)
    first = await dump_database(engine)

    report = await import_dataset(uows, example(), NOW)

    assert await dump_database(engine) == first
    assert not report.catalog_changed


async def test_a_dataset_without_a_catalog_is_judged_by_the_active_one(uows):
    document = example()
    del document["catalog"]

    await import_dataset(uows, document, NOW)
    evaluation = await organization_progress(uows, "1234567", NOW)

    assert evaluation.catalog.version == "mpn-2018-bundled"


async def test_an_imported_catalog_replaces_the_active_one_as_a_whole(uows):
    await import_dataset(uows, example(), NOW)
    smaller = {"catalog": copy.deepcopy(example()["catalog"])}
    smaller["catalog"]["version"] = "only-data"
    smaller["catalog"]["competencies"] = smaller["catalog"]["competencies"][2:]

    await import_dataset(uows, smaller, NOW)
    evaluation = await organization_progress(uows, "1234567", NOW)

    assert [c.id for c in evaluation.assessment.competencies] == ["data-analytics"]


async def test_an_imported_msa_counts_only_for_its_most_recent_link(uows):
    document = example()
    document["organizations"].append({"id": "999", "name": "Other", "tenant_id": "t-999"})
    document["users"].append({"id": "u-zoe", "organization": "999", "display_name": "Zoe"})
    document["msa_links"].append({"user": "u-zoe", "msa": "BEN.WEBER@outlook.example", "linked_at": "2026-10-01T00:00:00+00:00"})

    report = await import_dataset(uows, document, NOW)
    here = await organization_progress(uows, "1234567", NOW)
    there = await organization_progress(uows, "999", NOW)

    assert report.dissolved_links == 1 and set(report.organizations) >= {"1234567", "999"}
    assert here.assessment.competency("cloud-platform").levels["silver"].options[0].requirements[1].current == 0
    assert there.assessment.competency("cloud-platform").levels["silver"].options[0].requirements[1].counted == ("u-zoe",)


def _set(path: str, value):
    def change(document: dict) -> None:
        *parents, last = _parts(path)
        target = document
        for part in parents:
            target = target[part]
        target[last] = value

    return change


def _parts(path: str) -> list:
    parts: list = []
    for piece in path.replace("]", "").split("."):
        name, *indexes = piece.split("[")
        parts.append(name)
        parts.extend(int(i) for i in indexes)
    return parts


def _append(section: str, row_from: int):
    return lambda d: d[section].append(copy.deepcopy(d[section][row_from]))


BAD_FILES = [
    ("unknown key", _set("users[1].nickname", "Benny"), "users[1].nickname: unknown key"),
    ("wrong type", _set("users[1].roles", "admin"), "users[1].roles: expected array, got string"),
    ("bad date", _set("users[2].left_on", "2026-02-30"), "users[2].left_on: not a valid date: '2026-02-30'"),
    ("bad timestamp", _set("achievements[0].earned_at", "2026-04-20 12:00"), "achievements[0].earned_at: not a valid date-time"),
    ("timestamp without offset", _set("msa_links[0].linked_at", "2026-05-02T09:00:00"), "msa_links[0].linked_at: not a valid date-time"),
    ("missing field", lambda d: d["users"][0].pop("display_name"), "users[0].display_name: missing"),
    ("dangling organisation", _set("users[2].organization", "x"), "users[2].organization: unknown organization 'x'"),
    ("dangling user", _set("msa_links[1].user", "u-nobody"), "msa_links[1].user: unknown user 'u-nobody'"),
    ("unknown override option", lambda d: d["overrides"].append({"organization": "1234567", "competency": "cloud-platform", "option": "nope", "level": "gold", "starts_on": "2026-01-01", "ends_on": "2026-03-31"}), "overrides[0].option: unknown option 'nope'"),
    ("unknown held competency", _set("organizations[0].held[0].competency", "quantum"), "organizations[0].held[0].competency: unknown competency 'quantum'"),
    ("duplicate id", _append("users", 0), "users[3]: duplicate record u-anna"),
    ("duplicate achievement", _append("achievements", 1), "achievements[2]: duplicate record"),
    ("negative metric", _set("metrics[4].value", -2500), "metrics[4].value: must not be negative, got -2500"),
    ("bad level", _set("organizations[0].membership.level", "platinum"), "organizations[0].membership.level: must be one of none, silver, gold"),
    ("bad month", _set("metrics[0].month", "2026-13"), "metrics[0].month:"),
    ("expiry before earning", _set("achievements[0].expires_at", "2026-01-01T00:00:00+00:00"), "achievements[0].expires_at: must be after earned_at"),
    ("bad threshold", _set("catalog.competencies[0].options[0].levels.silver[0].min", "lots"), "catalog.competencies[0].options[0].levels.silver[0].min"),
    ("duplicate organisation", _append("organizations", 0), "organizations[1]: duplicate record 1234567"),
]


@pytest.mark.parametrize(("case", "change", "message"), BAD_FILES, ids=[case for case, _, _ in BAD_FILES])
def test_a_bad_file_exits_2_naming_the_path_and_leaves_the_database_as_it_was(case, change, message, database_url, tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("DATABASE_URL", database_url)
    assert main(["import", str(_write(tmp_path / "good.json", example()))]) == 0
    before = dump_database_at(database_url)
    document = example()
    change(document)

    code = main(["import", str(_write(tmp_path / "bad.json", document))])

    error = capsys.readouterr().err
    assert code == 2
    assert error.startswith(f"competency-bot: error: {message}"), error
    assert error.count("\n") == 1 and "Traceback" not in error
    assert dump_database_at(database_url) == before


RAW_BAD_FILES = [
    ("empty file", b"", "$: empty file"),
    ("only whitespace", b"  \n", "$: empty file"),
    ("not JSON", b"{users: []}", "$: not JSON (Expecting property name enclosed in double quotes at line 1 column 2)"),
    ("not an object", b"[1, 2]", "$: expected object, got array"),
    ("not UTF-8", b"\xff\xfe{}", "$: not"),
    ("unknown section", b'{"people": []}', "people: unknown key"),
]


@pytest.mark.parametrize(("case", "content", "message"), RAW_BAD_FILES, ids=[case for case, _, _ in RAW_BAD_FILES])
def test_a_file_that_is_no_dataset_exits_2_and_writes_nothing(case, content, message, database_url, tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("DATABASE_URL", database_url)
    before = dump_database_at(database_url)
    path = tmp_path / "bad.json"
    path.write_bytes(content)

    code = main(["import", str(path)])

    assert code == 2
    assert capsys.readouterr().err.startswith(f"competency-bot: error: {message}")
    assert dump_database_at(database_url) == before


def test_a_huge_file_is_refused_before_it_is_read(database_url, tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("DATABASE_URL", database_url)
    path = tmp_path / "huge.json"
    with path.open("wb") as handle:  # a sparse file: 300 MB on paper, nothing on disk
        handle.truncate(300 * 1024 * 1024)
    before = dump_database_at(database_url)

    code = main(["import", str(path)])

    assert code == 2
    assert "more than the limit of 268,435,456 (IMPORT_MAX_BYTES)" in capsys.readouterr().err
    assert dump_database_at(database_url) == before


def test_a_missing_file_exits_2(database_url, tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("DATABASE_URL", database_url)

    assert main(["import", str(tmp_path / "nope.json")]) == 2
    assert "no such file" in capsys.readouterr().err


def test_parse_dataset_names_the_line_of_a_syntax_error():
    with pytest.raises(DatasetError, match=r"line 2 column 2"):
        parse_dataset('{"users": [\n]]')


def _write(path: Path, document: dict) -> Path:
    path.write_text(json.dumps(document), encoding="utf-8")
    return path




def with_people(document: dict, count: int) -> dict:
    """The example dataset with `count` more employees of its organisation, each with one achievement."""
    for n in range(count):
        msa = f"person{n:04d}@outlook.example"
        document["users"].append({"id": f"u-bulk-{n:04d}", "organization": "1234567", "upn": f"p{n}@contoso.example", "display_name": f"Person {n}", "roles": ["employee"]})
        document["msa_links"].append({"user": f"u-bulk-{n:04d}", "msa": msa, "purpose": "both", "linked_at": "2026-05-02T09:00:00+00:00"})
        document["achievements"].append({"msa": msa, "code": "AZ-104", "kind": "certification", "earned_at": "2026-04-20T12:00:00+00:00"})
    return document


async def reltuples(engine, table: str) -> float:
    async with engine.connect() as connection:
        return (await connection.execute(text("SELECT reltuples FROM pg_class WHERE relname = :t"), {"t": table})).scalar_one()


@pytest.mark.skipif(not TEST_DATABASE_URL.startswith("postgresql"), reason="planner statistics are PostgreSQL's (SQLite plans from its indexes)")
async def test_a_bulk_import_leaves_postgresql_planner_statistics_that_count_its_rows(uows, engine):
    document = with_people(example(), 1237)
    achievements = len(document["achievements"])

    await import_dataset(uows, document, NOW)

    # ANALYZE reads every row of a table this small: the planner's row count is exact.
    assert await reltuples(engine, "achievements") == achievements
    assert await reltuples(engine, "msa_links") == len(document["msa_links"])


async def test_a_small_import_does_not_refresh_statistics_and_sqlite_never_does(uows):
    async with uows() as uow:
        assert not await uow.imports.refresh_planner_statistics(BULK_ROWS - 1)
        assert await uow.imports.refresh_planner_statistics(BULK_ROWS) is TEST_DATABASE_URL.startswith("postgresql")
