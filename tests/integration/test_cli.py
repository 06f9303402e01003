"""The operator command line over a real database (SPEC 4.3, 4.6)."""

from __future__ import annotations

import asyncio
import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from bot.operator.cli import main

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def demo_database(database_url, monkeypatch):
    monkeypatch.setenv("DATABASE_URL", database_url)
    assert main(["demo"]) == 0
    return database_url


def progress_json(capsys, *args: str) -> dict:
    capsys.readouterr()
    assert main(["progress", *args, "--json"]) == 0
    return json.loads(capsys.readouterr().out)


def test_progress_json_has_the_contract_keys_in_catalog_order(demo_database, capsys):
    report = progress_json(capsys, "1234567")
    catalog = json.loads((ROOT / "services" / "data" / "catalog.json").read_text())["catalog"]

    assert report["organization"] == "1234567"
    assert set(report["membership"]) >= {"level", "expires_on", "renewal_at_risk"}
    assert [c["id"] for c in report["competencies"]] == [c["id"] for c in catalog["competencies"]]
    for competency, spec in zip(report["competencies"], catalog["competencies"]):
        for level, body in competency["levels"].items():
            assert set(body) >= {"met", "at_risk", "options"}
            expected = [o["id"] for o in spec["options"] if level in o["levels"]]
            assert [o["id"] for o in body["options"]] == expected
            for option in body["options"]:
                for requirement in option["requirements"]:
                    assert set(requirement) >= {"kind", "required", "current", "pending", "met"}
    for option in report["upgrade_options"]:
        assert set(option) >= {"competency", "option", "level", "missing"}


def test_the_demo_shows_met_pending_expired_leaver_at_risk_override_and_one_person_away(demo_database, capsys):
    contoso = progress_json(capsys, "1234567")
    fabrikam = progress_json(capsys, "7654321")
    cloud = next(c for c in contoso["competencies"] if c["id"] == "cloud-platform")
    data = next(c for c in contoso["competencies"] if c["id"] == "data-analytics")
    gold_people = cloud["levels"]["gold"]["options"][0]["requirements"][1]

    assert cloud["held"] == "silver" and cloud["levels"]["silver"]["met"] and not cloud["levels"]["silver"]["at_risk"]
    assert (gold_people["current"], gold_people["required"], gold_people["pending"]) == (1, 2, 1)
    assert data["held"] == "silver" and data["levels"]["silver"]["at_risk"] is True
    causes = next(h for h in contoso["renewal"]["held"] if h["competency"] == "data-analytics")["causes"]
    assert [(c["kind"], c.get("person")) for c in causes] == [("expiring", "u-lena"), ("leaver", "u-carla")]  # Carla was the slack
    assert contoso["upgrade_options"][0]["competency"] == "cloud-platform"
    assert contoso["upgrade_options"][0]["missing"][0]["pending"] == 1
    smb = next(c for c in fabrikam["competencies"] if c["id"] == "small-midmarket-cloud")
    assert smb["levels"]["gold"]["options"][0]["override"] is not None and smb["levels"]["gold"]["met"]


def test_running_the_demo_again_later_changes_nothing_a_user_sees(demo_database, capsys, monkeypatch):
    from datetime import datetime, timedelta, timezone

    import bot.operator.cli

    first = progress_json(capsys, "1234567")
    later = datetime.now(timezone.utc) + timedelta(days=2)
    monkeypatch.setattr(bot.operator.cli, "now", lambda: later)  # `make run` today, `make playground` two days on
    capsys.readouterr()

    assert main(["demo"]) == 0
    assert capsys.readouterr().out == "the demo dataset is already loaded; nothing changed\n"
    again = progress_json(capsys, "1234567", "--at", first["evaluated_at"])
    assert {k: v for k, v in again.items() if k != "evaluated_at"} == {k: v for k, v in first.items() if k != "evaluated_at"}


def test_progress_at_another_moment_sees_the_pending_person_count(demo_database, capsys):
    now = progress_json(capsys, "1234567")
    tomorrow = progress_json(capsys, "1234567", "--at", (now["evaluated_at"][:10] + "T23:59:59+00:00").replace(now["evaluated_at"][:10], _next_day(now["evaluated_at"][:10])))
    cloud = next(c for c in tomorrow["competencies"] if c["id"] == "cloud-platform")

    assert cloud["levels"]["gold"]["met"] is True
    assert tomorrow["membership"]["eligible_level"] == "gold"


def _next_day(day: str) -> str:
    from datetime import date, timedelta

    return (date.fromisoformat(day) + timedelta(days=1)).isoformat()


def test_the_human_progress_is_a_readable_table(demo_database, capsys):
    capsys.readouterr()
    assert main(["progress", "1234567"]) == 0
    out = capsys.readouterr().out

    assert out.startswith("Contoso Consulting GmbH (1234567)")
    assert "Cloud Platform [held silver]" in out and "AT RISK" in out
    assert "Upgrade options toward gold" in out
    assert "    Specialist exams: not met" in out and "Data Analytics Foundational assessment" in out  # names, not ids
    assert "cause: Carla Diaz left on" in out and "cause: Lena Fischer's Business Intelligence for Data Analytics assessment expires on" in out
    assert not {"da-foundational", "bi-assessment", "specialist", "azure_consumption_usd", "u-lena"} & set(out.replace("(", " ").replace(")", " ").split())


def test_an_unknown_organisation_exits_2_with_one_line(demo_database, capsys):
    capsys.readouterr()
    assert main(["progress", "nope"]) == 2
    assert capsys.readouterr().err == "competency-bot: error: unknown organization 'nope'\n"


def test_a_bad_moment_is_a_usage_error(demo_database, capsys):
    with pytest.raises(SystemExit) as exited:
        main(["progress", "1234567", "--at", "yesterday"])

    assert exited.value.code == 2
    assert "not an ISO 8601 date-time: 'yesterday'" in capsys.readouterr().err


def test_a_bad_setting_exits_2_with_one_line(monkeypatch, capsys):
    monkeypatch.setenv("PORT", "eighty")

    assert main(["db", "upgrade"]) == 2
    assert capsys.readouterr().err.startswith("competency-bot: error: setting PORT:")


def test_python_dash_m_bot_shows_help_for_every_command():
    for args in ([], ["db"], ["import"], ["demo"], ["progress"]):
        result = subprocess.run([sys.executable, "-m", "bot", *args, "--help"], capture_output=True, text=True, cwd=ROOT, check=False)
        assert result.returncode == 0 and "usage: competency-bot" in result.stdout, (args, result.stderr)


def test_an_unreachable_database_is_one_line_not_a_traceback(tmp_path):
    env = {"DATABASE_URL": "postgresql+asyncpg://nobody@127.0.0.1:1/none", "PATH": "/usr/bin:/bin"}
    result = subprocess.run([sys.executable, "-m", "bot", "progress", "x"], capture_output=True, text=True, cwd=ROOT, env=env, check=False)

    assert result.returncode == 1
    assert "Traceback" not in result.stderr and result.stderr.count("\n") == 1
    assert "database postgresql+asyncpg unreachable" in result.stderr


def test_an_override_to_9999_12_31_is_imported_reported_scanned_and_listed(demo_database, capsys, tmp_path):
    dataset = tmp_path / "forever.json"
    forever = {"organization": "7654321", "competency": "small-midmarket-cloud", "option": "o365-services", "level": "gold", "starts_on": "2020-01-01", "ends_on": "9999-12-31"}
    dataset.write_text(json.dumps({"overrides": [forever]}))
    assert main(["import", str(dataset)]) == 0

    report = progress_json(capsys, "7654321")
    assert main(["progress", "7654321"]) == 0
    assert main(["alerts", "scan"]) == 0
    assert main(["alerts", "list", "--org", "7654321"]) == 0
    table = capsys.readouterr().out

    assert "9999-12-31" in json.dumps(report)
    assert "override until 9999-12-31" in table


def test_alerts_list_names_the_organisation_the_change_the_levels_and_the_recipient_and_keeps_the_key(demo_database, capsys):
    """Admins read people's names and catalog titles; the cause key and the ids stay on the line for
    scripts (a column added, none renamed or dropped)."""
    from bot.bootstrap import open_services
    from services.alert_scan import queue_deliveries
    from services.conversations import Sighting, meet_member
    from services.demo_dataset import CONTOSO_TENANT
    from services.settings import Settings

    async def anna_opens_a_personal_chat() -> None:
        async with open_services(Settings(DATABASE_URL=demo_database)) as services:
            reference = {"channelId": "msteams", "serviceUrl": "https://smba.trafficmanager.net/emea/", "conversation": {"id": "a:anna"}}
            await meet_member(services.uows, CONTOSO_TENANT, "00000000-0000-4000-8000-0000000000a1", Sighting("a:anna", reference, True, "de-DE"), services.clock())
            assert await queue_deliveries(services.uows, "1234567", services.clock()) == 2  # as a turn of hers does

    asyncio.run(anna_opens_a_personal_chat())
    capsys.readouterr()
    assert main(["alerts", "list", "--org", "1234567"]) == 0
    lines = capsys.readouterr().out.splitlines()

    leaver = lines.index(next(line for line in lines if line.endswith(" renewal|1234567|leaver|u-carla")))
    assert re.fullmatch(r"#\d+ 1234567 renewal_at_risk \(active, found \d{4}-\d\d-\d\d \d\d:\d\d\) renewal\|1234567\|leaver\|u-carla", lines[leaver])
    assert re.fullmatch(r"    Contoso Consulting GmbH: Carla Diaz left on \w{3} \d\d?, \d{4}; at risk: Data Analytics Silver", lines[leaver + 1])
    assert lines[leaver + 2] == "    to u-anna (Anna Schmidt): pending after 0 attempt(s)"
    expiring = lines.index(next(line for line in lines if line.endswith(" renewal|1234567|expiring|u-lena|bi-assessment")))
    assert re.fullmatch(
        r"    Contoso Consulting GmbH: Lena Fischer's Business Intelligence for Data Analytics assessment expires on \w{3} \d\d?, \d{4}; at risk: Data Analytics Silver",
        lines[expiring + 1],
    )
    described = [line for line in lines if line.startswith("    ") and not line.startswith("    to ")]
    assert all("u-" not in line and "bi-assessment" not in line and "data-analytics" not in line for line in described)


def test_alerts_list_still_lists_a_cause_whose_details_an_older_release_recorded_in_another_shape(demo_database, capsys):
    from sqlalchemy import update

    from bot.bootstrap import open_services
    from services.persistence.tables import AlertCauseRow
    from services.settings import Settings

    async def older_details() -> None:
        async with open_services(Settings(DATABASE_URL=demo_database)) as services, services.uows() as uow:
            await uow.session.execute(update(AlertCauseRow).where(AlertCauseRow.key == "renewal|1234567|leaver|u-carla").values(details='{"cause": "leaver"}'))
            await uow.commit()

    asyncio.run(older_details())
    capsys.readouterr()
    assert main(["alerts", "list", "--org", "1234567"]) == 0
    lines = capsys.readouterr().out.splitlines()

    leaver = lines.index(next(line for line in lines if line.endswith(" renewal|1234567|leaver|u-carla")))
    assert lines[leaver + 1] == "    Contoso Consulting GmbH: renewal_at_risk (recorded in an older format; see the key)"
    assert any(line.startswith("    Contoso Consulting GmbH: Lena Fischer's ") for line in lines)
