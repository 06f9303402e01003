"""`competency-bot what-if` (SPEC 4.3, R15) over a real database: exact before → after for each kind."""

from __future__ import annotations

import json

import pytest

from bot.operator.cli import main
from tests.answers_dataset import ORG, dataset

AT = ["--at", "2026-11-21T12:00:00Z"]


@pytest.fixture
def answers_database(database_url, monkeypatch, tmp_path, capsys):
    monkeypatch.setenv("DATABASE_URL", database_url)
    path = tmp_path / "answers.json"
    path.write_text(json.dumps(dataset()), encoding="utf-8")
    assert main(["import", str(path)]) == 0
    capsys.readouterr()
    return database_url


def what_if_json(capsys, *args: str) -> dict:
    assert main(["what-if", ORG, *args, "--json", *AT]) == 0
    return json.loads(capsys.readouterr().out)


def test_earning_a_credential_shows_the_levels_and_membership_before_and_after(answers_database, capsys):
    assert what_if_json(capsys, "--earns", "u-oliver:sc-200") == {
        "organization": "org-a",
        "change": {"kind": "earns", "user": "u-oliver", "credential": "SC-200"},
        "membership": {"before": {"eligible_level": "silver", "renewal_at_risk": False}, "after": {"eligible_level": "gold", "renewal_at_risk": False}},
        "levels": [
            {"competency": "security", "level": "silver", "before": {"met": True, "at_risk": True}, "after": {"met": True, "at_risk": False}},
            {"competency": "security", "level": "gold", "before": {"met": False, "at_risk": False}, "after": {"met": True, "at_risk": False}},
        ],
        "upgrade_options": {"opened": [{"competency": "security", "option": "security-people", "level": "gold"}], "closed": []},
    }


def test_a_leaver_shows_only_the_level_that_changes(answers_database, capsys):
    report = what_if_json(capsys, "--leaves", "u-samg")

    assert report["change"] == {"kind": "leaves", "user": "u-samg", "credential": None}
    assert report["levels"] == [{"competency": "security", "level": "silver", "before": {"met": True, "at_risk": True}, "after": {"met": False, "at_risk": True}}]
    assert report["membership"]["before"] == report["membership"]["after"] == {"eligible_level": "silver", "renewal_at_risk": False}
    assert report["upgrade_options"] == {"opened": [], "closed": [{"competency": "security", "option": "security-people", "level": "silver"}]}


def test_losing_a_credential_lists_what_it_carried(answers_database, capsys):
    report = what_if_json(capsys, "--loses", "u-ben:AZ305")

    assert report["change"] == {"kind": "loses", "user": "u-ben", "credential": "AZ-305"}
    assert report["levels"] == []
    assert report["upgrade_options"] == {"opened": [], "closed": [{"competency": "cloud-platform", "option": "experts", "level": "silver"}]}


def test_the_what_if_changes_nothing_stored(answers_database, capsys):
    what_if_json(capsys, "--leaves", "u-samg")
    assert main(["progress", ORG, "--json", *AT]) == 0
    security = next(c for c in json.loads(capsys.readouterr().out)["competencies"] if c["id"] == "security")

    assert security["levels"]["silver"]["met"] is True


def test_the_human_form_reads_before_and_after(answers_database, capsys):
    assert main(["what-if", ORG, "--earns", "u-oliver:SC-200", *AT]) == 0

    assert capsys.readouterr().out.splitlines() == [
        "What if Oliver Brown (u-oliver) earns SC-200, in Alpha Consulting (org-a):",
        "  membership: requirements met for silver -> gold; renewal safe -> safe",
        "  security silver: met, at risk -> met",
        "  security gold: not met -> met",
        "  option opened: security / security-people (gold)",
    ]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["nope", "--leaves", "u-ben"], "unknown organization 'nope'"),
        ([ORG, "--leaves", "u-nobody"], "unknown user 'u-nobody'"),
        ([ORG, "--earns", "u-ben:XX-999"], "unknown credential 'XX-999'"),
        ([ORG, "--loses", "u-ben:SC-200"], "user 'u-ben' holds no SC-200"),
    ],
)
def test_an_unknown_organisation_user_or_credential_exits_2_with_one_line(answers_database, capsys, args, message):
    assert main(["what-if", *args, *AT]) == 2
    assert capsys.readouterr().err == f"competency-bot: error: {message}\n"


def test_exactly_one_change_is_required(answers_database, capsys):
    with pytest.raises(SystemExit) as exited:
        main(["what-if", ORG, "--leaves", "u-ben", "--earns", "u-ben:AZ-104"])
    assert exited.value.code == 2


def test_what_if_has_help():
    with pytest.raises(SystemExit) as exited:
        main(["what-if", "--help"])
    assert exited.value.code == 0
