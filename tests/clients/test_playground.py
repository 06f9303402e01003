"""`make playground`: Microsoft 365 Agents Playground (npm) with the config tools/playground.py
writes, against the running bot. A message typed into its Teams-like UI in Chromium reaches the bot
as Contoso's admin, and the admin's answer comes back as a card."""

from __future__ import annotations

import os

import re
from collections.abc import Iterator
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import pytest

from services.demo_dataset import (
    CONTOSO_ADMIN_AAD,
    CONTOSO_ID,
    CONTOSO_TENANT,
    FABRIKAM_ID,
    build_demo_dataset,
)
from tests.clients.conftest import ARTIFACTS, PROJECT, RunningBot, free_port, stop
from tools.playground import playground_config, start_playground, write_config

DOCS_SCREENSHOT = PROJECT / "docs" / "screenshots" / "playground-gold-progress.png"


@pytest.fixture(scope="module")
def playground(node_clients: Path, running_bot: RunningBot, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    folder = tmp_path_factory.mktemp("playground")
    process, port = start_playground(running_bot.messages, free_port(), write_config(folder), folder)
    try:
        yield f"http://localhost:{port}"
    finally:
        stop(process)


def test_the_config_makes_the_demo_organisations_admin_the_current_user_of_its_tenant() -> None:
    config = playground_config(build_demo_dataset(datetime(2026, 11, 21, tzinfo=timezone.utc)), CONTOSO_ID, CONTOSO_ADMIN_AAD)
    assert f'tenantId: "{CONTOSO_TENANT}"' in config
    current_user = config.split("currentUser:\n", 1)[1].split("users:\n", 1)[0]
    assert '  name: "Anna Schmidt"\n' in current_user and f'  aadObjectId: "{CONTOSO_ADMIN_AAD}"\n' in current_user
    # The second admin first, the leaver never (the playground takes exactly five colleagues).
    assert re.findall(r'  - id: "29:(u-\w+)"', config) == ["u-sophie", "u-ben", "u-david", "u-eva", "u-jonas"]


def test_the_config_needs_five_colleagues_besides_the_admin() -> None:
    dataset = build_demo_dataset(datetime(2026, 11, 21, tzinfo=timezone.utc))
    dataset["users"] = [u for u in dataset["users"] if u["organization"] != FABRIKAM_ID or u["id"] in ("u-oliver", "u-priya")]
    with pytest.raises(ValueError, match="wants 5 users besides the current one; 7654321 has 1"):
        playground_config(dataset, FABRIKAM_ID, "00000000-0000-4000-8000-0000000000f1")


def test_a_message_typed_in_the_playground_reaches_the_bot_as_contosos_admin(browser: Any, playground: str) -> None:
    page = browser.new_page(viewport={"width": 1280, "height": 1000}, locale="en-US")
    page.goto(playground)
    page.get_by_role("textbox").last.click()
    page.keyboard.type("what's our Gold progress?")
    page.keyboard.press("Enter")
    card = page.locator(".ac-adaptiveCard").filter(has_text="Gold progress for Contoso Consulting GmbH")
    card.last.wait_for(timeout=15_000)
    assert "$111,200 of $100,000 (met)" in card.last.locator(".ac-textBlock").all_inner_texts()
    assert page.get_by_text("Anna Schmidt").first.is_visible()
    (ARTIFACTS / "playground").mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "playground" / DOCS_SCREENSHOT.name))
    assert (ARTIFACTS / "playground" / DOCS_SCREENSHOT.name).stat().st_size < 300 * 1024
    if os.environ.get("UPDATE_SCREENSHOTS") == "1":  # the README's copy, refreshed on request only
        DOCS_SCREENSHOT.parent.mkdir(parents=True, exist_ok=True)
        DOCS_SCREENSHOT.write_bytes((ARTIFACTS / "playground" / DOCS_SCREENSHOT.name).read_bytes())
    page.close()
