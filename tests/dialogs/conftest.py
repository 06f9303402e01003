"""Two organisations in two tenants, and the whole bot in memory over the test database."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import AsyncExitStack
from datetime import datetime
from typing import Any

import pytest

from services.importer import import_dataset
from tests.harness import BotHarness, Person, running_bot, utc

NOW = utc(2026, 11, 21, 12, 0)
TENANT_A, TENANT_B = "tenant-a", "tenant-b"
ANN = Person("29:ann", "aad-ann", TENANT_A, "en-US", "Ann Admin")
ANKE = Person("29:anke", "aad-anke", TENANT_A, "de-DE", "Anke Admin")
EMIL = Person("29:emil", "aad-emil", TENANT_A, "en-US", "Emil Employee")
BEA = Person("29:bea", "aad-bea", TENANT_B, "en-US", "Bea Admin")
STRANGER = Person("29:x", "aad-unknown", TENANT_A, "en-US", "Stranger")

CATALOG = {
    "version": "dialog-tests",
    "settings": {"visibility_delay_hours": 24, "max_links_per_year": 3, "link_cooldown_days": 30},
    "credentials": [
        {"code": "AZ-104", "title": "Azure Administrator", "kind": "certification"},
        {"code": "AZ-305", "title": {"en": "Azure Solutions Architect", "de": "Azure-Lösungsarchitekt"}, "kind": "certification"},
    ],
    "competencies": [
        {
            "id": "cloud-platform",
            "name": {"en": "Cloud Platform", "de": "Cloud-Plattform"},
            "options": [
                {
                    "id": "azure-consumption",
                    "name": {"en": "Azure consumption", "de": "Azure-Verbrauch"},
                    "levels": {
                        "silver": [
                            {"kind": "metric", "metric": "azure_consumption_usd", "min": 15000},
                            {"kind": "individuals", "count": 1, "any_of": ["AZ-104", "AZ-305"]},
                        ],
                        "gold": [
                            {"kind": "metric", "metric": "azure_consumption_usd", "min": 100000},
                            {"kind": "individuals", "count": 2, "any_of": ["AZ-104", "AZ-305"]},
                        ],
                    },
                }
            ],
        }
    ],
}


def dataset() -> dict:
    months = [f"2026-{m:02d}" for m in range(1, 12)] + ["2025-12"]
    return {
        "catalog": CATALOG,
        "organizations": [
            {"id": "org-a", "name": "Alpha Consulting", "tenant_id": TENANT_A, "membership": {"level": "silver", "expires_on": "2027-01-31"}, "held": [{"competency": "cloud-platform", "level": "silver"}]},
            {"id": "org-b", "name": "Beta Partners", "tenant_id": TENANT_B, "membership": {"level": "silver", "expires_on": "2027-03-31"}, "held": [{"competency": "cloud-platform", "level": "silver"}]},
        ],
        "users": [
            {"id": "u-ann", "organization": "org-a", "display_name": "Ann Admin", "aad_object_id": "aad-ann", "roles": ["admin", "employee"]},
            {"id": "u-anke", "organization": "org-a", "display_name": "Anke Admin", "aad_object_id": "aad-anke", "roles": ["admin"], "locale": "de-DE"},
            {"id": "u-emil", "organization": "org-a", "display_name": "Emil Employee", "aad_object_id": "aad-emil"},
            {"id": "u-bea", "organization": "org-b", "display_name": "Bea Admin", "aad_object_id": "aad-bea", "roles": ["admin", "employee"]},
        ],
        "msa_links": [
            {"user": "u-ann", "msa": "ann@outlook.example", "linked_at": "2026-01-10T00:00:00+00:00"},
            {"user": "u-bea", "msa": "emil@outlook.example", "linked_at": "2026-02-01T00:00:00+00:00"},
        ],
        "achievements": [
            {"msa": "ann@outlook.example", "code": "AZ-104", "earned_at": "2025-12-01T00:00:00+00:00", "expires_at": "2027-12-01T00:00:00+00:00"},
            {"msa": "emil@outlook.example", "code": "AZ-305", "earned_at": "2025-11-01T00:00:00+00:00", "expires_at": "2027-11-01T00:00:00+00:00"},
        ],
        "metrics": [{"organization": org, "metric": "azure_consumption_usd", "month": m, "value": 10000} for org in ("org-a", "org-b") for m in months],
    }


StartBot = Callable[..., Awaitable[BotHarness]]


@pytest.fixture
async def start_bot(database_url: str, uows) -> AsyncIterator[StartBot]:
    """`await start_bot(dataset, now)`: the dataset imported at `now`, then the whole bot built over
    the test database by the composition root (tests/harness.py); every bot is closed afterwards."""
    async with AsyncExitStack() as bots:

        async def start(data: dict[str, Any], now: datetime, recognizer: Callable[..., Any] | None = None) -> BotHarness:
            await import_dataset(uows, data, now)
            return await bots.enter_async_context(running_bot(database_url, now, recognizer))

        yield start


@pytest.fixture
async def harness(start_bot: StartBot) -> BotHarness:
    return await start_bot(dataset(), NOW)
