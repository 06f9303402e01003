"""Alert delivery benchmark (not a test): N alerts to a fake Bot Connector on loopback that answers
10 % of sends with 429 (Retry-After: 1). Prints delivered, duplicates, lost, and the achieved send
rate as a fraction of the configured per-tenant limit.

    .venv/bin/python bench/alert_bench.py [--alerts 10000] [--rate 100] [--database-url URL]
"""

from __future__ import annotations

import argparse
import asyncio
import random
import sys
import tempfile
import time
from collections import Counter
from datetime import datetime, timedelta, timezone
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from aiohttp import web
from botbuilder.schema import ChannelAccount, ConversationAccount, ConversationReference

from bot.bootstrap import build_adapter, open_services, service_urls, use_connector_threads
from bot.proactive.alert_sender import AlertSender, SendPolicy
from services.alert_scan import scan_alerts
from services.conversations import Sighting, meet_member
from services.importer import import_dataset
from services.outbox import next_due_at
from services.settings import Settings
from tests.e2e.fakes import FakeConnector

LEAVERS = 10  # causes per admin


class FlakyConnector(FakeConnector):
    """Answers a seeded 10 % of sends with 429 and Retry-After: 1."""

    def __init__(self, share: float, seed: int = 7):
        super().__init__()
        self.share = share
        self.random = random.Random(seed)
        self.times: list[float] = []

    async def _post_activity(self, request: web.Request) -> web.Response:
        self.times.append(time.monotonic())
        if self.random.random() < self.share:
            await request.read()
            return web.json_response({"error": {"code": "Throttled"}}, status=429, headers={"Retry-After": "1"})
        return await super()._post_activity(request)


def utc_now() -> datetime:
    return datetime.now(timezone.utc)


async def run(alerts: int, rate: float, database_url: str) -> None:
    use_connector_threads()
    admins = alerts // LEAVERS
    settings = Settings(DATABASE_URL=database_url)
    async with open_services(settings, migrate=True, clock=utc_now) as services, FlakyConnector(0.10) as connector:
        now = utc_now()
        yesterday = (now - timedelta(days=1)).date().isoformat()
        await import_dataset(services.uows, {
            "catalog": {"version": "bench", "competencies": [{"id": "cloud", "name": "Cloud", "options": [{"id": "azure", "name": "Azure", "levels": {"silver": [{"kind": "individuals", "count": 1, "any_of": ["AZ-104"]}]}}]}]},
            "organizations": [{"id": "org", "name": "Org", "tenant_id": "tenant", "membership": {"level": "silver", "expires_on": (now + timedelta(days=60)).date().isoformat()}, "held": [{"competency": "cloud", "level": "silver"}]}],
            "users": [{"id": f"admin-{i}", "organization": "org", "display_name": f"Admin {i}", "aad_object_id": f"aad-{i}", "roles": ["admin"]} for i in range(admins)]
            + [{"id": f"left-{i}", "organization": "org", "display_name": f"Leaver {i}", "left_on": yesterday} for i in range(LEAVERS)],
            "msa_links": [{"user": f"left-{i}", "msa": f"left-{i}@msa", "linked_at": "2025-01-01T00:00:00+00:00"} for i in range(LEAVERS)],
            "achievements": [{"msa": f"left-{i}@msa", "code": "AZ-104", "earned_at": "2024-12-01T00:00:00+00:00"} for i in range(LEAVERS)],
        }, now)
        for i in range(admins):
            reference = ConversationReference(
                channel_id="msteams", service_url=connector.service_url, bot=ChannelAccount(id="28:bot"),
                conversation=ConversationAccount(id=f"a:admin-{i}", conversation_type="personal", tenant_id="tenant"),
                user=ChannelAccount(id=f"29:admin-{i}"),
            ).serialize()
            await meet_member(services.uows, "tenant", f"aad-{i}", Sighting(f"a:admin-{i}", reference, True, "en-US"), now)
        queued = (await scan_alerts(services.uows, utc_now())).queued_deliveries
        print(f"queued {queued:,} alerts for {admins:,} admins; per-tenant limit {rate:g}/s; 10% of sends answered 429")

        policy = SendPolicy(batch_size=1000, concurrency=64, tenant_rate_per_second=rate)
        sender = AlertSender(
            services.uows, build_adapter(services), "local-bot", utc_now, policy, service_urls(services.settings),
            monotonic=time.monotonic, sleep=asyncio.sleep, jitter=random.Random(),
        )
        started = time.monotonic()
        while True:
            await sender.send_due()
            due = await next_due_at(services.uows)
            if due is None:
                break
            await asyncio.sleep(max(0.0, (due - utc_now()).total_seconds()))
        elapsed = time.monotonic() - started

    accepted = Counter((d.conversation_id, d.card["body"][2]["text"]) for d in connector.accepted())
    duplicates = sum(n - 1 for n in accepted.values())
    requests = len(connector.times)
    # The steady rate: requests per second over the busy part of the run (the last second is a
    # tail of Retry-After waits for the final 429s).
    window = (connector.times[int(requests * 0.9)] - connector.times[0]) if requests > 10 else elapsed
    steady = (int(requests * 0.9)) / window if window else 0.0
    print(f"delivered {len(accepted):,}  duplicates {duplicates}  lost {queued - len(accepted):,}")
    print(f"requests {requests:,} (429s {requests - len(connector.accepted()):,}) in {elapsed:.1f} s")
    print(f"achieved rate: {steady:.1f} requests/s steady = {steady / rate:.2f} of the limit; "
          f"{len(accepted) / elapsed:.1f} deliveries/s overall = {len(accepted) / elapsed / rate:.2f} of the limit")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--alerts", type=int, default=10_000)
    parser.add_argument("--rate", type=float, default=50.0, help="per-tenant sends per second (Teams default: 50)")
    parser.add_argument("--database-url", default=None)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        url = args.database_url or f"sqlite+aiosqlite:///{folder}/alerts.db"
        asyncio.run(run(args.alerts, args.rate, url))


if __name__ == "__main__":
    main()
