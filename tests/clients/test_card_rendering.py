"""Every card the bot can send, parsed by the npm `adaptivecards` renderer (what Web Chat and Teams'
web client build on) without a single warning, checked against the Adaptive Card 1.5 JSON Schema with
Teams' `msteams` key allowed, and under the size Teams accepts. Cards are built from real evaluations
of the demo dataset (imported by the real importer, tests/imported.py), in English and German."""

from __future__ import annotations

import copy
import json
from datetime import timedelta
from functools import cache
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from dialogs.cards import alert_reply
from services.demo_dataset import CONTOSO_ID, FABRIKAM_ID, build_demo_dataset
from services.domain.alert_causes import find_alert_causes
from services.domain.organization import evaluate_organization
from tests.clients.conftest import run_node
from tests.imported import imported_snapshot
from tests.unit.test_cards import (
    CARD_LIMIT_BYTES,
    CARD_SCHEMA,
    NOW,
    all_replies,
    bundled_catalog,
    busy_snapshot,
)

LANGUAGES = ("en", "de")
# Teams' own top-level key (research §5.1): full width, and mentions, which these cards do not use.
MSTEAMS = {
    "type": "object",
    "properties": {"width": {"enum": ["Full"]}, "entities": {"type": "array"}},
    "additionalProperties": False,
}


def alert_cards(language: str) -> list[tuple[str, dict[str, Any]]]:
    """One alert card per cause the scan finds in the demo data: now (Contoso's renewal at risk), two
    days on (David's AZ-305 counts, so Contoso can upgrade to Gold) and fifty days on (Fabrikam's
    override ends within two weeks); and the busy organisation's."""
    dataset, catalog = build_demo_dataset(NOW), bundled_catalog()
    moments = [(CONTOSO_ID, NOW), (CONTOSO_ID, NOW + timedelta(days=2)), (FABRIKAM_ID, NOW + timedelta(days=50))]
    evaluations = [evaluate_organization(imported_snapshot(dataset, org, NOW), catalog, moment) for org, moment in moments]
    evaluations.append(evaluate_organization(busy_snapshot(), catalog, NOW))
    built = []
    for evaluation in evaluations:
        for cause in find_alert_causes(evaluation):
            reply = alert_reply(cause.kind, cause.details, evaluation.snapshot.name, catalog, language, evaluation.moment)
            built.append((f"{evaluation.snapshot.id} {evaluation.moment:%Y-%m-%d} alert {cause.key}", reply.card))
    return built


@cache
def reply_cards(language: str) -> tuple[tuple[str, dict[str, Any]], ...]:
    return tuple((name, reply.card) for name, reply in all_replies(language) if reply.card is not None)


def render(cards: list[tuple[str, dict[str, Any]]]) -> dict[str, dict[str, Any]]:
    """One Node process parses and validates every card; the card as the bot sends it (with the
    `fallbackText` that dialogs/turn.py adds)."""
    payload = [{"name": name, "card": {**card, "fallbackText": "text"}} for name, card in cards]
    return {result["name"]: result for result in run_node("validate-cards.js", stdin=json.dumps(payload))}


@pytest.fixture(scope="module")
def rendered(node_clients: Path) -> dict[str, dict[str, Any]]:
    return render([(f"{language} {name}", card) for language in LANGUAGES for name, card in reply_cards(language)])


@pytest.fixture(scope="module")
def teams_card_validator() -> jsonschema.Draft6Validator:
    schema = json.loads(CARD_SCHEMA.read_text(encoding="utf-8"))
    schema["definitions"]["AdaptiveCard"]["properties"]["msteams"] = MSTEAMS
    return jsonschema.Draft6Validator(schema)


def events_of(results: dict[str, dict[str, Any]]) -> dict[str, list[dict[str, Any]]]:
    return {name: result["events"] for name, result in results.items() if result["events"]}


def test_every_card_is_parsed_by_the_adaptivecards_renderer_without_a_warning(rendered: dict[str, dict[str, Any]]) -> None:
    assert len(rendered) == sum(len(reply_cards(language)) for language in LANGUAGES) >= 40
    assert events_of(rendered) == {}


def test_the_renderer_understands_every_element_and_button_of_every_card(rendered: dict[str, dict[str, Any]]) -> None:
    expected = {
        f"{language} {name}": (len(card["body"]), len(card.get("actions", [])))
        for language in LANGUAGES
        for name, card in reply_cards(language)
    }
    assert {name: (result["items"], result["actions"]) for name, result in rendered.items()} == expected


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_card_meets_the_adaptive_card_schema_with_teams_msteams_key(language: str, teams_card_validator: jsonschema.Draft6Validator) -> None:
    invalid = {
        name: [f"{'/'.join(map(str, e.absolute_path))}: {e.message[:200]}" for e in teams_card_validator.iter_errors(card)][:3]
        for name, card in reply_cards(language)
    }
    assert {name: errors for name, errors in invalid.items() if errors} == {}


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_card_is_under_25_kb(language: str) -> None:
    sizes = {name: len(json.dumps(card, ensure_ascii=False).encode("utf-8")) for name, card in reply_cards(language)}
    assert {name: size for name, size in sizes.items() if size >= CARD_LIMIT_BYTES} == {}
    assert max(sizes.values()) > 5_000  # the busy organisation's cards are really measured


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_alert_card_renders_without_a_warning_meets_the_schema_and_is_small(
    language: str, node_clients: Path, teams_card_validator: jsonschema.Draft6Validator
) -> None:
    cards = alert_cards(language)
    kinds = {name.split(" alert ")[1].split("|")[0] for name, _ in cards}
    assert kinds == {"renewal", "upgrade", "override"}
    assert len({name for name, _ in cards}) == len(cards) >= 5
    results = render(cards)
    assert events_of(results) == {}
    assert {name: (r["items"], r["actions"]) for name, r in results.items()} == {n: (len(c["body"]), len(c["actions"])) for n, c in cards}
    assert {name: list(teams_card_validator.iter_errors(card)) for name, card in cards if list(teams_card_validator.iter_errors(card))} == {}
    assert all(len(json.dumps(card, ensure_ascii=False).encode("utf-8")) < CARD_LIMIT_BYTES for _, card in cards)


def test_a_card_with_an_unknown_element_type_fails_both_checks(node_clients: Path, teams_card_validator: jsonschema.Draft6Validator) -> None:
    name, card = reply_cards("en")[0]
    broken = copy.deepcopy(card)
    broken["body"].append({"type": "Chart.Gauge", "value": 72})  # Teams-only: the portable renderer does not know it
    result = render([(name, broken)])[name]
    assert [(e["phase"], e["event"]) for e in result["events"]] == [("Parse", "UnknownElementType")]
    assert result["items"] == len(card["body"])  # dropped, not rendered
    assert any(error.validator in ("anyOf", "oneOf", "additionalProperties", "enum") for error in teams_card_validator.iter_errors(broken))


def test_a_card_with_a_bad_property_value_fails_the_renderer(node_clients: Path) -> None:
    name, card = reply_cards("en")[0]
    broken = copy.deepcopy(card)
    broken["body"][0]["color"] = "purple"
    assert [(e["phase"], e["event"]) for e in render([(name, broken)])[name]["events"]] == [("Parse", "InvalidPropertyValue")]
