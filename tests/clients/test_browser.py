"""End to end in a real browser: Web Chat (botframework-webchat) over offline-directline, in Debian's
headless Chromium, against `competency-bot serve` in local mode with the demo data.

Contoso's admin asks for the Gold progress, the rendered card shows the figures of
`services.reporting.evaluation_json` at that moment, and a click on the card's "Show renewal status"
button brings the renewal status. Screenshots go to test-artifacts/browser/; the card screenshots are
also copied to docs/screenshots/ for the README."""

from __future__ import annotations

import asyncio
import json
import os
import re
import shutil
import subprocess
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import date, datetime, timedelta, timezone
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import pytest

from bot.bootstrap import open_services
from dialogs.formatting import date_text, datetime_text, metric_value, number
from dialogs.messages import text
from services.demo_dataset import CONTOSO_ADMIN_AAD, CONTOSO_ID, CONTOSO_TENANT
from services.progress import organization_progress
from services.reporting import evaluation_json
from services.settings import Settings
from tests.clients.conftest import ARTIFACTS, CLIENTS, PROJECT, RunningBot, stop

SCREENSHOTS = ARTIFACTS / "browser"
DOCS_SCREENSHOTS = PROJECT / "docs" / "screenshots"
SCREENSHOT_LIMIT_BYTES = 300 * 1024
REPLY_TIMEOUT_MS = 15_000
FIGURE = re.compile(r".+ of .+ \((met|not met)\)")
SOPHIE_AAD = "00000000-0000-4000-8000-0000000000a8"  # Contoso's second admin (services/demo_dataset.py)


@pytest.fixture(scope="module")
def webchat(node_clients: Path, running_bot: RunningBot, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """`node clients/webchat-server.js`: the Web Chat page and offline-directline on one free port."""
    log_path = tmp_path_factory.mktemp("webchat") / "webchat.log"
    log = log_path.open("w")
    process = subprocess.Popen(
        ["node", str(CLIENTS / "webchat-server.js"), "--bot", running_bot.messages], stdout=log, stderr=subprocess.STDOUT, cwd=CLIENTS
    )
    try:
        deadline = time.monotonic() + 20
        while not log_path.read_text().startswith("{") or "\n" not in log_path.read_text():
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"webchat-server.js did not start: {log_path.read_text()[-2000:]}")
            time.sleep(0.05)
        yield json.loads(log_path.read_text().splitlines()[0])["url"]
    finally:
        stop(process, log)


def evaluation_now(bot: RunningBot, moment: datetime) -> dict[str, Any]:
    """`evaluation_json` of Contoso toward Gold at `moment`, read from the bot's own database. In a
    thread of its own: Playwright's sync API keeps an event loop on this one."""

    async def evaluate() -> dict[str, Any]:
        async with open_services(Settings(DATABASE_URL=bot.database_url)) as services:
            return evaluation_json(await organization_progress(services.uows, CONTOSO_ID, moment, "gold"))

    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, evaluate()).result()


def figure(requirement: dict[str, Any]) -> str:
    """The figure as the card words it, from the numbers of evaluation_json."""
    if requirement["kind"] == "metric":
        metric = requirement["metric"]
        shown = text("en", "figure_metric", current=metric_value(metric, requirement["current"], "en"), required=metric_value(metric, requirement["required"], "en"))
    else:
        shown = text("en", "figure_people", current=number(requirement["current"], "en"), required=number(requirement["required"], "en"))
    return text("en", "figure_status", figure=shown, status=text("en", "met" if requirement["met"] else "not_met"))


def by_competency(blocks: list[str], names: dict[str, str]) -> dict[str, list[str]]:
    """The card's text blocks after each competency heading, up to the next one."""
    sections: dict[str, list[str]] = {}
    current: list[str] | None = None
    for block in blocks:
        if block in names:
            current = sections.setdefault(names[block], [])
        elif current is not None:
            current.append(block)
    return sections


def open_chat(browser: Any, webchat: str, locale: str, aad: str = CONTOSO_ADMIN_AAD, user: str | None = None, name: str = "Anna Schmidt") -> Any:
    """Web Chat sends the browser's zone as `localTimezone`: UTC for the English chats, Berlin for the German."""
    zone = "Europe/Berlin" if locale.startswith("de") else "UTC"
    page = browser.new_page(viewport={"width": 820, "height": 1400}, locale=locale, timezone_id=zone)
    query = {"tenant": CONTOSO_TENANT, "aad": aad, "user": user or f"anna-{locale}", "name": name, "locale": locale}
    page.goto(f"{webchat}/?{urlencode(query)}")
    page.locator("body[data-direct-line=online]").wait_for(state="attached", timeout=REPLY_TIMEOUT_MS)
    return page


def ask(page: Any, question: str, title: str) -> Any:
    box = page.get_by_role("textbox")
    box.fill(question)
    box.press("Enter")
    return wait_for_card(page, title)


def wait_for_card(page: Any, title: str) -> Any:
    card = page.locator(".ac-adaptiveCard").filter(has=page.locator(".ac-textBlock", has_text=re.compile(f"^{re.escape(title)}\\s*$")))
    card.last.wait_for(timeout=REPLY_TIMEOUT_MS)
    return card


def keep_screenshots(page: Any, card: Any, name: str) -> None:
    """The whole chat and the card for the test's artifacts (test-artifacts/, < 300 KB each). With
    UPDATE_SCREENSHOTS=1 the card also replaces the README's copy in docs/screenshots/: not on every
    run, since the dates on the cards change daily and the working tree would never stay clean."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}-chat.png"), full_page=True)
    card.screenshot(path=str(SCREENSHOTS / f"{name}.png"), animations="disabled")
    assert (SCREENSHOTS / f"{name}.png").stat().st_size < SCREENSHOT_LIMIT_BYTES
    if os.environ.get("UPDATE_SCREENSHOTS") == "1":
        DOCS_SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(SCREENSHOTS / f"{name}.png", DOCS_SCREENSHOTS / f"{name}.png")


def test_the_admin_sees_gold_progress_as_evaluated_and_clicks_through_to_the_renewal_status(
    browser: Any, webchat: str, running_bot: RunningBot
) -> None:
    page = open_chat(browser, webchat, "en-US")
    asked_at = datetime.now(timezone.utc)
    progress = ask(page, "what's our Gold progress?", "Gold progress for Contoso Consulting GmbH")
    assert progress.count() == 1
    blocks = [block.strip() for block in progress.locator(".ac-textBlock").all_inner_texts()]
    answered_at = datetime.now(timezone.utc)
    evaluation = evaluation_now(running_bot, answered_at)

    # The moment, the membership and the figures are those of evaluation_json.
    minutes = {datetime_text(asked_at + timedelta(seconds=s), "en") for s in range(0, int((answered_at - asked_at).total_seconds()) + 61, 60)}
    assert blocks[3] in {text("en", "as_of", when=minute) for minute in minutes}
    membership = evaluation["membership"]
    assert blocks[1] == text("en", "membership_line", level="Silver", date=date_text(date.fromisoformat(membership["expires_on"]), "en"))
    names = {c["name"]: c["id"] for c in evaluation["competencies"]}
    sections = by_competency(blocks, names)
    assert list(sections) == ["cloud-platform", "data-analytics"]  # the held ones; the others show no Gold progress
    for competency in evaluation["competencies"]:
        if competency["id"] not in sections:
            continue
        shown = [block for block in sections[competency["id"]] if FIGURE.fullmatch(block)]
        options = [[figure(r) for r in option["requirements"]] for option in competency["levels"]["gold"]["options"]]
        assert shown in options, (competency["id"], shown, options)

    # Cloud Platform Gold: the Azure consumption sum and the pending person, exactly.
    cloud = next(c for c in evaluation["competencies"] if c["id"] == "cloud-platform")
    option = next(o for o in cloud["levels"]["gold"]["options"] if any(r.get("metric") == "azure_consumption_usd" for r in o["requirements"]))
    consumption, people = option["requirements"]
    assert consumption["current"] == 111_200 and figure(consumption) == "$111,200 of $100,000 (met)"
    assert (people["current"], people["required"], people["pending"]) == (1, 2, 1)
    counts_from = datetime.fromisoformat(people["pending_people"][0]["counts_from"])
    assert text("en", "pending_note", count="1", when=datetime_text(counts_from, "en")) in sections["cloud-platform"]
    keep_screenshots(page, progress, "webchat-gold-progress")

    # The card's own button: an Action.Submit with {"intent": "renewal_status"}.
    progress.get_by_role("button", name=text("en", "button_renewal")).click()
    renewal = wait_for_card(page, text("en", "renewal_title"))
    assert renewal.count() == 1
    shown = [block.strip() for block in renewal.locator(".ac-textBlock").all_inner_texts()]
    anniversary = date_text(date.fromisoformat(membership["expires_on"]), "en")
    held = evaluation["renewal"]["held"]
    expected = [
        text("en", "held_level_at_risk" if h["at_risk"] else "held_level_safe", competency=next(n for n, i in names.items() if i == h["competency"]), level=text("en", f"level_{h['level']}"), date=anniversary)
        for h in held
    ]
    assert [block for block in shown if block in expected] == expected
    assert [h["at_risk"] for h in held] == [False, True]  # Cloud Platform safe, Data Analytics at risk (demo state 5)
    assert membership["renewal_at_risk"] is False
    assert text("en", "renewal_safe_sentence", level="Silver", date=anniversary) in shown
    keep_screenshots(page, renewal, "webchat-renewal-status")

    # Anna is an admin: once she talked to the bot, the demo's two alerts reach her in this chat (R10).
    alert = wait_for_alert(page, "en", "Carla Diaz")
    assert alert_lines(alert)[:4] == [
        text("en", "alert_title", organization="Contoso Consulting GmbH"),
        text("en", "alert_level_at_risk_headline"),
        text("en", "alert_what_changed", cause=text("en", "cause_leaver", person="Carla Diaz", date=date_text(date.fromisoformat(evaluation["evaluated_at"][:10]) - timedelta(days=5), "en"))),
        text("en", "alert_level_at_risk", competency="Data Analytics", level="Silver", date=anniversary),
    ]
    keep_screenshots(page, alert, "webchat-alert")
    page.close()


def wait_for_alert(page: Any, language: str, person: str) -> Any:
    title = text(language, "alert_title", organization="Contoso Consulting GmbH")
    card = page.locator(".ac-adaptiveCard").filter(has=page.locator(".ac-textBlock", has_text=re.compile(f"^{re.escape(title)}\\s*$")))
    card = card.filter(has=page.locator(".ac-textBlock", has_text=person))
    card.last.wait_for(timeout=REPLY_TIMEOUT_MS)
    return card.last


def alert_lines(card: Any) -> list[str]:
    return [block.strip() for block in card.locator(".ac-textBlock").all_inner_texts()]


def test_german_web_chat_gets_the_german_card_with_german_numbers(browser: Any, webchat: str) -> None:
    page = open_chat(browser, webchat, "de-DE")
    progress = ask(page, "Wie ist unser Gold-Fortschritt?", "Gold-Fortschritt für Contoso Consulting GmbH")
    blocks = progress.locator(".ac-textBlock").all_inner_texts()
    assert "111.200 $ von 100.000 $ (erfüllt)" in blocks
    assert "1 von 2 Personen (nicht erfüllt)" in blocks
    assert progress.get_by_role("button").all_inner_texts() == ["Upgrade-Optionen", "Verlängerungsstatus anzeigen", "Silber-Fortschritt"]
    keep_screenshots(page, progress, "webchat-gold-progress-de")
    page.close()


def test_a_german_speaking_admin_gets_the_alert_in_german_in_web_chat(browser: Any, webchat: str, running_bot: RunningBot) -> None:
    page = open_chat(browser, webchat, "de-DE", aad=SOPHIE_AAD, user="sophie-de-DE", name="Sophie Hoffmann")
    box = page.get_by_role("textbox")
    box.fill("Hallo")
    box.press("Enter")  # Sophie, Contoso's second admin, talks to the bot for the first time: her alerts follow
    alert = wait_for_alert(page, "de", "Carla Diaz")
    lines = alert_lines(alert)
    assert lines[1] == text("de", "alert_level_at_risk_headline")
    assert lines[3] == "Datenanalyse auf Stufe Silber wäre am " + lines[3].split(" am ")[1]
    assert any(line.startswith("Am wenigsten fehlt für Datenanalyse auf Stufe Silber über Spezialistenprüfungen: noch 1 zertifizierte Person") for line in lines)
    assert text("de", "alert_who_could_fill") in lines and "Anna Schmidt braucht nur noch 70-768" in lines
    keep_screenshots(page, alert, "webchat-alert-de")
    page.close()
