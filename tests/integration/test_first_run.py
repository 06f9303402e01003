"""A quiet, truthful first run: what `db upgrade`, `demo` and the log say on a new database, with
LOG_LEVEL read through the settings and each log record's `extra` fields shown."""

from __future__ import annotations

import logging
import os
import subprocess
import sys
from pathlib import Path

import pytest
from alembic.script import ScriptDirectory

from bot.hosting.serve import welcome
from bot.operator.cli import main
from bot.operator.logs import ExtraFormatter
from services.persistence.database import MIGRATIONS, alembic_config
from services.settings import Settings

HEAD = ScriptDirectory.from_config(alembic_config("sqlite://")).get_current_head()
assert MIGRATIONS.is_dir()


@pytest.fixture
def new_database(tmp_path, monkeypatch) -> str:
    url = f"sqlite+aiosqlite:///{tmp_path / 'new.db'}"
    monkeypatch.setenv("DATABASE_URL", url)
    return url


def test_db_upgrade_says_it_created_a_new_database_and_later_that_it_is_up_to_date(new_database, capsys):
    assert main(["db", "upgrade"]) == 0
    first = capsys.readouterr().out
    assert main(["db", "upgrade"]) == 0
    second = capsys.readouterr().out

    assert first == f"created the database schema (revision {HEAD}) in {new_database}\n"
    assert second == f"{new_database} is up to date (revision {HEAD})\n"


def test_the_demo_ends_with_what_it_imported_and_no_alert_scan_line(new_database, capsys):
    assert main(["db", "upgrade"]) == 0
    capsys.readouterr()

    assert main(["demo"]) == 0

    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 1 and lines[0].startswith("imported 2 organizations, ")
    assert "alert scan" not in lines[0]


def test_log_level_is_a_setting_read_in_any_case_and_refused_when_unknown(new_database, monkeypatch, capsys):
    assert Settings(LOG_LEVEL="info").log_level == "INFO"
    assert Settings().log_level == "WARNING"
    monkeypatch.setenv("LOG_LEVEL", "chatty")

    assert main(["db", "upgrade"]) == 2

    assert capsys.readouterr().err.startswith("competency-bot: error: setting LOG_LEVEL: Input should be 'DEBUG', 'INFO'")


def test_a_log_line_shows_the_records_extra_fields_after_the_message():
    formatter = ExtraFormatter("%(levelname)s %(name)s: %(message)s")
    record = logging.LogRecord("bot.proactive.alert_sender", logging.ERROR, __file__, 1, "alert given up after %s attempts", (12,), None)
    record.__dict__.update(delivery=7, status="429", reason="gave up: 429", empty="")

    assert formatter.format(record) == "ERROR bot.proactive.alert_sender: alert given up after 12 attempts delivery=7 status=429 reason='gave up: 429' empty=''"


def test_a_traceback_stays_below_the_line_with_the_fields():
    formatter = ExtraFormatter("%(message)s")
    try:
        raise ValueError("boom")
    except ValueError:
        record = logging.LogRecord("x", logging.ERROR, __file__, 1, "turn failed", (), sys.exc_info())
    record.__dict__["conversation"] = "a:1"

    first, second, *rest = formatter.format(record).splitlines()

    assert (first, second, rest[-1]) == ("turn failed conversation=a:1", "Traceback (most recent call last):", "ValueError: boom")


def test_log_level_info_from_the_environment_reaches_the_command_lines_log(tmp_path):
    environment = {k: v for k, v in os.environ.items() if k not in ("LOG_LEVEL", "DATABASE_URL")}
    url = f"sqlite+aiosqlite:///{tmp_path / 'logged.db'}"
    environment.update(LOG_LEVEL="info", DATABASE_URL=url)

    run = subprocess.run([sys.executable, "-m", "bot", "db", "upgrade"], env=environment, capture_output=True, text=True, cwd=tmp_path, timeout=120)

    assert run.returncode == 0, run.stderr
    logged = [line for line in run.stderr.splitlines() if "services.persistence.database" in line]
    assert len(logged) == 1
    assert logged[0].endswith(f"INFO services.persistence.database: database migrated database={url} before=None after={HEAD}")


def test_the_console_says_where_the_bot_listens_and_how_to_talk_to_it():
    local = welcome(Settings(HOST="127.0.0.1", PORT=3978, MicrosoftAppId=""))
    authenticated = welcome(Settings(HOST="0.0.0.0", PORT=8080, MicrosoftAppId="11111111-2222-3333-4444-555555555555"))

    assert local.splitlines() == [
        "listening on http://127.0.0.1:3978 (local mode: no app id, so no sign-in is checked); Ctrl-C stops",
        "  talk to it:  Bot Framework Emulator: open http://127.0.0.1:3978/api/messages, app id and password empty",
        "               or `make playground` instead of `make run`: a Teams-like chat, as the demo's admin",
        "  check it:    curl http://127.0.0.1:3978/healthz",
    ]
    assert authenticated.splitlines() == [
        "listening on http://0.0.0.0:8080 (authenticated: Bot Framework app 11111111-2222-3333-4444-555555555555); Ctrl-C stops",
        "  Teams reaches the bot through the Azure Bot's messaging endpoint, https://<your host>/api/messages",
        "  check it:  curl http://0.0.0.0:8080/healthz",
    ]


def test_make_run_installs_only_what_running_needs():
    makefile = (Path(__file__).resolve().parents[2] / "Makefile").read_text(encoding="utf-8")
    run_stamp = makefile[makefile.index("$(RUN_STAMP): pyproject.toml"):].split("\n\n", 1)[0]

    assert "pip install --quiet -e . " in run_stamp and "[test" not in run_stamp
    assert "\nrun: $(RUN_STAMP)\n" in makefile
