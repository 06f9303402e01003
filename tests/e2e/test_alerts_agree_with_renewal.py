"""R16 end to end: every alert the bot sends over HTTP says exactly what the renewal answer asked over
HTTP at the same moment says — the same held levels at risk, the membership at risk or safe — in each
admin's language and time zone; and the zone Teams sends is kept for alerts."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from dialogs.formatting import datetime_text, time_zone
from dialogs.messages import text
from services.alert_scan import scan_alerts
from services.demo_dataset import CONTOSO_ADMIN_AAD, CONTOSO_TENANT
from services.persistence.tables import ConversationReferenceRow
from tests.e2e.agreement import assert_alert_agrees_with_renewal, pattern
from tests.e2e.conftest import JONAS, NOW, OLIVER, SAMUELS_MSA, outbox_settled, prepare_sign_in
from tests.e2e.fakes import TeamsUser

ANNA = TeamsUser("29:anna", CONTOSO_ADMIN_AAD, CONTOSO_TENANT, "de-DE", "Anna Schmidt", "Europe/Berlin")
SOPHIE = TeamsUser("29:sophie", "00000000-0000-4000-8000-0000000000a8", CONTOSO_TENANT, "en-US", "Sophie Hoffmann")  # Teams sent no zone
THOMAS_MSA = "t.okafor@outlook.example"
SUBJECTS = ("Lena Fischer", "Carla Diaz", "Thomas Okafor")


def subject_of(alert: str, language: str) -> str:
    changed = next(m["cause"] for m in map(pattern(language, "alert_what_changed").match, alert.split("\n")) if m)
    return next(name for name in SUBJECTS if name in changed)


async def test_every_alert_over_http_agrees_with_the_renewal_answer_of_the_same_moment(bot, teams, connector, token_service, graph, uows):
    await scan_alerts(uows, NOW)  # Contoso: Lena's assessment expires, and Carla, who was the slack, left
    for admin, hello in ((ANNA, "Hallo"), (SOPHIE, "help"), (OLIVER, "help")):
        await teams.say(bot.url, admin, hello)  # reachable now: Contoso's alerts go out
    prepare_sign_in(token_service, graph, JONAS, "token-jonas", THOMAS_MSA)
    await teams.say(bot.url, JONAS, "link my MSA")
    await teams.say(bot.url, JONAS, "yes")  # Thomas's MSA leaves Fabrikam: Fabrikam's renewal is at risk

    received = {admin.user_id: await connector.wait_for(expected, admin.conversation_id) for admin, expected in ((ANNA, 3), (SOPHIE, 3), (OLIVER, 2))}
    await outbox_settled(uows)  # every alert queued is sent: a second copy would have arrived by now
    checked = []
    for admin, language, question in ((ANNA, "de", "Verlängerung gefährdet?"), (SOPHIE, "en", "is our renewal at risk?"), (OLIVER, "en", "is our renewal at risk?")):
        alerts = [d.text for d in connector.accepted(admin.conversation_id)[1:]]
        assert len(alerts) == len(received[admin.user_id]) - 1
        renewal = (await teams.say(bot.url, admin, question))[0].text
        for alert in alerts:
            subject = subject_of(alert, language)
            assert_alert_agrees_with_renewal(alert, renewal, language, subject)
            checked.append((admin.name, subject))

    assert sorted(checked) == sorted([
        ("Anna Schmidt", "Lena Fischer"), ("Anna Schmidt", "Carla Diaz"),
        ("Sophie Hoffmann", "Lena Fischer"), ("Sophie Hoffmann", "Carla Diaz"),
        ("Oliver Bennett", "Thomas Okafor"),
    ])


async def test_the_zone_teams_sends_is_used_for_times_in_replies_and_kept_for_alerts(bot, teams, connector, token_service, graph, uows):
    samuel_in_berlin = TeamsUser("29:jonas", JONAS.aad_object_id, JONAS.tenant_id, "de-DE", "Jonas Becker", "Europe/Berlin")
    prepare_sign_in(token_service, graph, samuel_in_berlin, "token-jonas", SAMUELS_MSA)

    await teams.say(bot.url, samuel_in_berlin, "MSA verknüpfen")
    replies = await teams.say(bot.url, samuel_in_berlin, "ja")

    counts_from = datetime_text(NOW + timedelta(hours=24), "de", time_zone("Europe/Berlin"))
    assert counts_from == "22.11.2026, 13:00"  # 12:00 UTC is 13:00 in Berlin in November: no "UTC" label
    assert replies[-1].text == text("de", "link_done", msa=SAMUELS_MSA, counts_from=counts_from)
    async with uows() as uow:
        stored = await uow.session.scalar(select(ConversationReferenceRow.time_zone).where(ConversationReferenceRow.conversation_id == samuel_in_berlin.conversation_id))
    assert stored == "Europe/Berlin"


async def test_an_unknown_zone_is_ignored_and_times_read_in_utc_labelled(bot, teams, connector, token_service, graph, uows):
    on_mars = TeamsUser("29:jonas", JONAS.aad_object_id, JONAS.tenant_id, "en-US", "Jonas Becker", "Mars/Olympus_Mons")
    prepare_sign_in(token_service, graph, on_mars, "token-jonas", SAMUELS_MSA)

    await teams.say(bot.url, on_mars, "link my MSA")
    replies = await teams.say(bot.url, on_mars, "yes")

    assert replies[-1].text == text("en", "link_done", msa=SAMUELS_MSA, counts_from="Nov 22, 2026, 12:00 UTC")
    async with uows() as uow:
        stored = await uow.session.scalar(select(ConversationReferenceRow.time_zone).where(ConversationReferenceRow.conversation_id == on_mars.conversation_id))
    assert stored is None
