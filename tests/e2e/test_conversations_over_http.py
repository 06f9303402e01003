"""Whole conversations over real HTTP: Teams-shaped activities posted to `/api/messages`, replies read
from the fake Bot Connector, sign-in through the fake token service and Graph (SPEC 1, 4.4, 4.6)."""

from __future__ import annotations

import asyncio
import json
from datetime import date, timedelta
from typing import Any

import pytest

from bot.operator import cli
from dialogs.formatting import date_text, datetime_text, metric_value, number
from dialogs.messages import text
from services.demo_dataset import CONTOSO_ID, FABRIKAM_ID
from services.progress import organization_progress
from services.reporting import evaluation_json
from tests.e2e.conftest import ANNA, JONAS, NOW, SAMUELS_MSA, prepare_sign_in, running_bot

LINK_CONVERSATION = ("link my MSA", "123456", "yes")


def individuals(report: dict[str, Any], competency: str, level: str) -> dict[str, Any]:
    """The people requirement of a competency's first option at a level, from `progress --json`."""
    body = next(c for c in report["competencies"] if c["id"] == competency)
    return next(r for r in body["levels"][level]["options"][0]["requirements"] if r["kind"] == "individuals")


async def report(uows, organization: str) -> dict[str, Any]:
    return evaluation_json(await organization_progress(uows, organization, NOW))


def prepare_jonas_sign_in(token_service, graph) -> None:
    """Jonas (Contoso) signs in with Samuel's MSA, which counts for Fabrikam, and gets magic code 123456."""
    prepare_sign_in(token_service, graph, JONAS, "msa-token-jonas", SAMUELS_MSA, magic_code="123456")


def link_done() -> str:
    return text("en", "link_done", msa=SAMUELS_MSA, counts_from=datetime_text(NOW + timedelta(hours=24), "en"))


def link_confirm() -> str:
    return text("en", "link_confirm_dissolve", msa=SAMUELS_MSA, organization="Fabrikam Partners Ltd")


async def test_linking_an_msa_with_a_magic_code_moves_it_here_from_the_other_organisation(bot, teams, connector, token_service, graph, uows):
    prepare_jonas_sign_in(token_service, graph)
    fabrikam_before = individuals(await report(uows, FABRIKAM_ID), "cloud-platform", "silver")

    sign_in = await teams.say(bot.url, JONAS, "link my MSA")
    confirm = await teams.say(bot.url, JONAS, "123456")
    done = await teams.say(bot.url, JONAS, "yes")

    [card] = sign_in
    assert card.reply_to_id == teams.sent[0]["id"]
    assert card.content_type == "application/vnd.microsoft.card.oauth"
    assert card.card["connectionName"] == "MSA" and card.card["text"] == text("en", "sign_in_prompt")
    [button] = card.card["buttons"]
    assert (button["type"], button["title"]) == ("signin", text("en", "sign_in_title"))
    assert button["value"].startswith(f"{token_service.url}/signin?state=")
    assert token_service.sign_in_states[0]["connectionName"] == "MSA"
    assert token_service.sign_in_states[0]["conversation"]["conversation"]["id"] == JONAS.conversation_id
    assert [(c.method, c.path, c.query.get("code")) for c in token_service.calls] == [
        ("GET", "/api/usertoken/GetToken", None),
        ("GET", "/api/botsignin/GetSignInResource", None),
        ("GET", "/api/usertoken/GetToken", "123456"),
    ]
    assert {(c.query["userId"], c.query["connectionName"], c.query["channelId"]) for c in token_service.calls_to("/api/usertoken/GetToken")} == {
        (JONAS.user_id, "MSA", "msteams")
    }
    assert graph.calls == ["msa-token-jonas"]
    assert [d.text for d in confirm] == [link_confirm()]
    assert [d.text for d in done] == [link_done()]
    assert all(d.authorization is None for d in connector.deliveries)  # local mode: no token to the connector

    fabrikam = individuals(await report(uows, FABRIKAM_ID), "cloud-platform", "silver")
    contoso = individuals(await report(uows, CONTOSO_ID), "cloud-platform", "gold")
    assert (fabrikam_before["current"], fabrikam_before["people"]) == (1, ["u-samuel"])
    assert (fabrikam["current"], fabrikam["people"]) == (0, [])
    assert (contoso["current"], contoso["pending"]) == (1, 2)
    assert {"person": "u-jonas", "counts_from": (NOW + timedelta(hours=24)).isoformat()} in contoso["pending_people"]


# --- the progress card against `competency-bot progress --json` --------------------------------------


def figure(requirement: dict[str, Any], language: str) -> str:
    """How the card states one requirement of the JSON report (current of required, met or not)."""
    if requirement["kind"] == "metric":
        shown = text(
            language,
            "figure_metric",
            current=metric_value(requirement["metric"], requirement["current"], language),
            required=metric_value(requirement["metric"], requirement["required"], language),
        )
    else:
        shown = text(language, "figure_people", current=number(requirement["current"], language), required=number(requirement["required"], language))
    return text(language, "figure_status", figure=shown, status=text(language, "met" if requirement["met"] else "not_met"))


def has_progress(level: dict[str, Any]) -> bool:
    return any(o["met"] or any(r["current"] > 0 or r["pending"] > 0 for r in o["requirements"]) for o in level["options"])


def card_sections(card: dict[str, Any]) -> list[tuple[str, list[str]]]:
    """Each Container of the card: its first line and the figures of its requirement rows."""
    sections = []
    for container in (item for item in card["body"] if item["type"] == "Container"):
        items = container["items"]
        figures = [
            item["columns"][1]["items"][0]["text"]
            for item in items
            if item["type"] == "ColumnSet" and len(item["columns"]) == 2 and item["columns"][0]["items"]
        ]
        sections.append((items[0]["text"], figures))
    return sections


async def progress_command_json(database_url: str, monkeypatch, capsys) -> dict[str, Any]:
    """`competency-bot progress 1234567 --json --at NOW`, run as the operator runs it (its own event loop)."""
    monkeypatch.setenv("DATABASE_URL", database_url)
    capsys.readouterr()
    exit_code = await asyncio.to_thread(cli.main, ["progress", CONTOSO_ID, "--json", "--at", NOW.isoformat()])
    assert exit_code == 0
    return json.loads(capsys.readouterr().out)


@pytest.mark.parametrize(
    ("locale", "question", "consumption"),
    [("en-US", "what's our Gold progress?", "$111,200 of $100,000 (met)"), ("de-DE", "Wie ist unser Gold-Fortschritt?", "111.200 $ von 100.000 $ (erfüllt)")],
    ids=["en", "de"],
)
async def test_the_progress_card_shows_the_figures_of_the_progress_command(bot, teams, database_url, monkeypatch, capsys, locale, question, consumption):
    language = locale[:2]
    anna = type(ANNA)(ANNA.user_id, ANNA.aad_object_id, ANNA.tenant_id, locale, ANNA.name)

    [reply] = await teams.say(bot.url, anna, question)
    expected = await progress_command_json(database_url, monkeypatch, capsys)

    card, fallback = reply.card, reply.text
    assert reply.content_type == "application/vnd.microsoft.card.adaptive"
    assert (card["type"], card["version"]) == ("AdaptiveCard", "1.5")
    gold = text(language, "level_gold")
    title = text(language, "progress_title", level=gold, organization=expected["name"])
    membership = text(language, "membership_line", level=text(language, "level_silver"), date=date_text(date.fromisoformat(expected["membership"]["expires_on"]), language))
    assert card["body"][0]["text"] == title and card["body"][1]["text"] == membership
    assert fallback.splitlines()[:2] == [title, membership]

    shown = [c for c in expected["competencies"] if "gold" in c["levels"] and (c["held"] or has_progress(c["levels"]["gold"]))]
    without_progress = sum(1 for c in expected["competencies"] if "gold" in c["levels"]) - len(shown)
    sections = card_sections(card)
    assert len(sections) == len(shown) + 1  # one per competency, then the footer
    for competency, (heading, figures) in zip(shown, sections):
        if language == "en":
            assert heading == competency["name"]
        options = [[figure(r, language) for r in o["requirements"]] for o in competency["levels"]["gold"]["options"]]
        assert figures in options, (competency["id"], figures)
        assert all(f in fallback for f in figures)
    assert sections[-1][0] == text(language, "more_competencies", count=without_progress, level=gold)

    cloud = next(c for c in expected["competencies"] if c["id"] == "cloud-platform")
    consumption_requirement, people = cloud["levels"]["gold"]["options"][0]["requirements"]
    assert (consumption_requirement["current"], people["current"], people["required"], people["pending"]) == (111200, 1, 2, 1)
    assert sections[0][1][0] == consumption and consumption in fallback


# --- restarts and scale-out ------------------------------------------------------------------------


async def test_the_link_dialog_continues_when_the_app_restarts_between_its_turns(settings, demo, teams, token_service, graph, uows):
    prepare_jonas_sign_in(token_service, graph)

    replies = []
    for message in LINK_CONVERSATION:  # every turn served by a freshly started app and engine
        async with running_bot(settings) as (bot, _):
            replies.append(await teams.say(bot.url, JONAS, message))

    assert [d.content_type for d in replies[0]] == ["application/vnd.microsoft.card.oauth"]
    assert [d.text for d in replies[1]] == [link_confirm()]
    assert [d.text for d in replies[2]] == [link_done()]
    assert individuals(await report(uows, FABRIKAM_ID), "cloud-platform", "silver")["current"] == 0


async def test_two_instances_on_one_database_answer_alternate_turns_of_one_dialog(settings, demo, teams, token_service, graph, uows):
    prepare_jonas_sign_in(token_service, graph)

    async with running_bot(settings) as (first, _), running_bot(settings) as (second, _):
        sign_in = await teams.say(first.url, JONAS, "link my MSA")
        confirm = await teams.say(second.url, JONAS, "123456")
        done = await teams.say(first.url, JONAS, "yes")  # the confirm prompt was asked by the other instance

    assert [d.content_type for d in sign_in] == ["application/vnd.microsoft.card.oauth"]
    assert [d.text for d in confirm] == [link_confirm()]
    assert [d.text for d in done] == [link_done()]
    assert individuals(await report(uows, FABRIKAM_ID), "cloud-platform", "silver")["current"] == 0
    assert individuals(await report(uows, CONTOSO_ID), "cloud-platform", "gold")["pending"] == 2
