"""Hostile dataset files (issue 8, item 8): each exits 2 with one line naming the bad item's path,
never a traceback, and the database is exactly as it was before."""

from __future__ import annotations

import copy
import json
from collections.abc import Callable

import fastjsonschema
import pytest

from bot.operator.cli import main
from services.dataset_validation import _fast_check, _schema, _validator, parse_dataset, validate_dataset
from services.errors import DatasetError
from tests.conftest import dump_database_at
from tests.integration.test_import import NOW, _write, example

LIMIT = "beyond ±9,007,199,254,740,992"


def text_of(document: dict) -> str:
    return json.dumps(document)


def replacing(old: str, new: str) -> Callable[[str], str]:
    """The example's JSON text with the first `old` replaced: for what `json.dumps` cannot write."""

    def change(text: str) -> str:
        assert old in text, old
        return text.replace(old, new, 1)

    return change


def edited(change: Callable[[dict], None]) -> Callable[[str], str]:
    def apply(text: str) -> str:
        document = json.loads(text)
        change(document)
        return json.dumps(document)

    return apply


def nested(depth: int) -> Callable[[str], str]:
    return replacing('"overrides": []', '"overrides": [' + "[" * depth + "]" * depth + "]")


def settings(**values) -> Callable[[str], str]:
    return edited(lambda d: d["catalog"].setdefault("settings", {}).update(values))


def second_link_with_spaces(document: dict) -> None:
    link = copy.deepcopy(document["msa_links"][0])
    link["msa"] = f"  {link['msa'].upper()} "
    document["msa_links"].append(link)


def future(section: str, field: str, value: str) -> Callable[[str], str]:
    def change(document: dict) -> None:
        document[section][0][field] = value
        if section == "achievements":
            document[section][0]["expires_at"] = "3001-01-01T00:00:00+00:00"

    return edited(change)


HOSTILE = [
    ("50,000 levels of nesting", nested(50_000), "overrides" + "[0]" * 31 + ": nested deeper than 32 levels"),
    ("500 levels of nesting", nested(500), "overrides" + "[0]" * 31 + ": nested deeper than 32 levels"),
    ("a 400-digit integer", replacing('"value": 2500', '"value": ' + "9" * 400), f"metrics[0].value: number 999999999999... (400 digits) is {LIMIT}"),
    ("a 5,000-digit integer", replacing('"value": 2500', '"value": ' + "7" * 5000), f"metrics[0].value: number 777777777777... (5,000 digits) is {LIMIT}"),
    ("an integer past 2^53", replacing('"value": 2500', '"value": 9007199254740993'), f"metrics[0].value: number 9007199254740993 is {LIMIT}"),
    ("a lone surrogate in a value", replacing('"Ben Weber"', '"Ben \\ud800Weber"'), "users[1].display_name: the text holds a lone surrogate (\\ud800 at character 4), which is not Unicode text"),
    ("a lone surrogate in a key", replacing('"display_name": "Ben Weber"', '"display_name": "Ben Weber", "\\udfff": 1'), "users[1]: a key holds a lone surrogate (\\udfff at character 0), which is not Unicode text"),
    ("a duplicate key", replacing('"id": "u-ben",', '"id": "u-ben", "organization": "elsewhere",'), "users[1].organization: duplicate key: the object gives it twice, and which value is meant cannot be told"),
    ("a duplicate top-level section", replacing('{"catalog"', '{"users": [], "catalog"'), "users: duplicate key"),
    ("NaN", replacing('"value": 2500', '"value": NaN'), "metrics[0].value: NaN is not a number a dataset may hold"),
    ("Infinity", replacing('"value": 2500', '"value": Infinity'), "metrics[0].value: Infinity is not a number a dataset may hold"),
    ("-Infinity as a threshold", replacing('"min": {"developed": 15000', '"min": {"developed": -Infinity'), "catalog.competencies[0].options[0].levels.silver[0].min.developed: -Infinity is not a number a dataset may hold"),
    ("1e400", replacing('"value": 2500', '"value": 1e400'), f"metrics[0].value: number 1e400 is {LIMIT}"),
    ("visibility delay 1e12 hours", settings(visibility_delay_hours=1e12), "catalog.settings.visibility_delay_hours: 1000000000000.0 is greater than the maximum of 8760"),
    ("renewal warning past two years", settings(renewal_warning_days=731), "catalog.settings.renewal_warning_days: 731 is greater than the maximum of 730"),
    ("override days past two years", settings(override_days=1000), "catalog.settings.override_days: 1000 is greater than the maximum of 730"),
    ("retired grace past ten years", settings(retired_grace_months=121), "catalog.settings.retired_grace_months: 121 is greater than the maximum of 120"),
    ("links per year past one a day", settings(max_links_per_year=366), "catalog.settings.max_links_per_year: 366 is greater than the maximum of 365"),
    ("cool-down past ten years", settings(link_cooldown_days=10**6), "catalog.settings.link_cooldown_days: 1000000 is greater than the maximum of 3650"),
    ("an achievement earned in the future", future("achievements", "earned_at", "3000-01-01T00:00:00+00:00"), "achievements[0].earned_at: 3000-01-01T00:00:00+00:00 is in the future (the import runs at "),
    ("a link made in the future", future("msa_links", "linked_at", "3000-01-01T00:00:00Z"), "msa_links[0].linked_at: 3000-01-01T00:00:00Z is in the future (the import runs at "),
    ("one MSA twice, once with spaces", edited(second_link_with_spaces), "msa_links[2]: duplicate record ('u-ben', 'ben.weber@outlook.example')"),
    ("an MSA of spaces only", edited(lambda d: d["achievements"][1].update(msa="   ")), "achievements[1].msa: blank: an MSA is its sign-in name"),
]


@pytest.mark.parametrize(("case", "change", "message"), HOSTILE, ids=[case for case, _, _ in HOSTILE])
def test_a_hostile_file_exits_2_with_one_line_naming_the_path_and_writes_nothing(case, change, message, database_url, tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("DATABASE_URL", database_url)
    assert main(["import", str(_write(tmp_path / "good.json", example()))]) == 0
    before = dump_database_at(database_url)
    bad = tmp_path / "bad.json"
    bad.write_text(change(text_of(example())), encoding="utf-8")
    capsys.readouterr()

    code = main(["import", str(bad)])

    error = capsys.readouterr().err
    assert code == 2, error
    assert error.startswith(f"competency-bot: error: {message}"), error
    assert error.count("\n") == 1 and "Traceback" not in error and "unreachable" not in error
    assert dump_database_at(database_url) == before


def test_an_msa_with_surrounding_spaces_is_stored_as_its_sign_in_name(database_url, tmp_path, monkeypatch):
    """Normalised, not refused: R4 identifies an MSA by its sign-in name, and a space is no part of one."""
    monkeypatch.setenv("DATABASE_URL", database_url)
    document = example()
    document["msa_links"][0]["msa"] = " Ben.Weber@outlook.example\t"
    document["achievements"][0]["msa"] = "BEN.WEBER@outlook.example "

    assert main(["import", str(_write(tmp_path / "spaced.json", document))]) == 0

    tables = dump_database_at(database_url)
    assert {row[1] for row in tables["msa_links"]} == {"ben.weber@outlook.example", "carla.d@outlook.example"}
    assert "ben.weber@outlook.example" in {row[0] for row in tables["achievements"]}


def test_a_document_built_in_code_gets_the_same_checks_as_a_file():
    """`validate_dataset` walks every document, not only parsed text (demo data, tests, other tools)."""
    document = example()
    document["metrics"][2]["value"] = float("nan")

    with pytest.raises(DatasetError, match=r"^metrics\[2\]\.value: NaN is not a number a dataset may hold$"):
        validate_dataset(document, NOW)


def test_a_deep_but_parseable_document_is_refused_by_depth_not_by_a_recursion_error():
    text = '{"users": [' + "[" * 900 + "]" * 900 + "]}"

    with pytest.raises(DatasetError, match=r"^users\[0\](\[0\]){30}: nested deeper than 32 levels$"):
        validate_dataset(parse_dataset(text), NOW)


def test_the_example_parses_to_exactly_what_json_loads_gives():
    text = text_of(example())

    assert parse_dataset(text) == json.loads(text)


SETTINGS = _schema()["$defs"]["catalog"]["properties"]["settings"]["properties"]


@pytest.mark.parametrize("name", sorted(SETTINGS))
def test_every_catalog_setting_has_a_maximum_that_both_schema_stages_enforce(name):
    """The compiled check (fastjsonschema) lets a valid file through alone; jsonschema explains a
    failing one. A maximum only one of them knows would let the value in or lose the path."""
    maximum = SETTINGS[name]["maximum"]
    too_big = {"catalog": {"version": "v", "competencies": [], "settings": {name: maximum + 1}}}
    at_most = {"catalog": {"version": "v", "competencies": [], "settings": {name: maximum}}}

    with pytest.raises(fastjsonschema.JsonSchemaException):
        _fast_check()(copy.deepcopy(too_big))
    assert [e.validator for e in _validator().iter_errors(too_big)] == ["maximum"]
    _fast_check()(copy.deepcopy(at_most))
    assert not list(_validator().iter_errors(at_most))
    with pytest.raises(DatasetError, match=rf"^catalog\.settings\.{name}: {maximum + 1} is greater than the maximum of {maximum}$"):
        validate_dataset(too_big)


def test_50000_levels_as_bytes_are_refused_with_the_path_of_the_33rd():
    text = '{"users": ' + "[" * 50_000 + "]" * 50_000 + "}"

    with pytest.raises(DatasetError) as refused:
        parse_dataset(text.encode())

    assert refused.value.path == "users" + "[0]" * 31 and refused.value.problem == "nested deeper than 32 levels"


def test_a_deep_file_under_a_key_with_a_lone_surrogate_names_the_key_escaped():
    text = '{"users": [{"\\ud800": ' + "[" * 5000 + "]" * 5000 + "}]}"

    with pytest.raises(DatasetError) as refused:
        parse_dataset(text)

    assert refused.value.path == "users[0].\\ud800" + "[0]" * 29
    str(refused.value).encode("utf-8")  # printable: the message holds no surrogate itself
