"""Partner Center exports imported with the command an admin runs, then the admin asks the bot over
HTTP: the Gold progress card shows what the files imply (SPEC 4.8, 1)."""

from __future__ import annotations

import asyncio

import pytest

from bot.operator import cli
from dialogs.formatting import metric_value, number
from dialogs.messages import text
from tests.e2e.conftest import NOW, running_bot
from tests.e2e.fakes import TeamsUser
from tests.partner_center_files import ADMIN_AAD, ORG, TENANT, organization_dataset, write_exports, write_json

QUESTIONS = {"en": "what's our Gold progress?", "de": "Wie ist unser Gold-Fortschritt?"}
CLOUD_PLATFORM = {"en": "Cloud Platform", "de": "Cloud-Plattform"}  # the bundled catalog's names
ADMIN = TeamsUser("29:anna-admin", ADMIN_AAD, TENANT, "en-US", "Anna Admin")


@pytest.mark.parametrize(("form", "locale"), [("us", "en-US"), ("german", "de-DE")])
async def test_an_admin_sees_the_gold_progress_the_imported_exports_imply(form, locale, settings, teams, tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("DATABASE_URL", settings.database_url)
    monkeypatch.setattr(cli, "now", lambda: NOW)  # the bot below runs on the same fixed clock
    files = [str(write_json(tmp_path / "org.json", organization_dataset())), *map(str, write_exports(tmp_path, form))]
    assert await asyncio.to_thread(cli.main, ["import", *files, "--org", ORG]) == 0
    assert "added 2 user(s), 3 MSA link(s), 4 achievement(s), 12 metric value(s), 2 held level(s)" in capsys.readouterr().out
    language = locale[:2]
    admin = TeamsUser(ADMIN.user_id, ADMIN.aad_object_id, ADMIN.tenant_id, locale, ADMIN.name)

    async with running_bot(settings) as (server, _):
        replies = await teams.say(server.url, admin, QUESTIONS[language])

    title = text(language, "progress_title", level=text(language, "level_gold"), organization="Fabrikam, Inc.")
    [reply] = [r for r in replies if r.text.startswith(title)]  # the import's alerts reach the admin too

    cloud = next(c for c in reply.card["body"] if c["type"] == "Container" and c["items"][0]["text"] == CLOUD_PLATFORM[language])
    figures = [item["columns"][1]["items"][0]["text"] for item in cloud["items"] if item["type"] == "ColumnSet" and len(item["columns"]) == 2 and item["columns"][0]["items"]]
    met = text(language, "met")
    consumption = text(language, "figure_status", figure=text(language, "figure_metric", current=metric_value("azure_consumption_usd", 108000, language), required=metric_value("azure_consumption_usd", 100000, language)), status=met)
    people = text(language, "figure_status", figure=text(language, "figure_people", current=number(2, language), required=number(2, language)), status=met)
    assert figures == [consumption, people]
    assert consumption in reply.text and people in reply.text
