"""R10 end to end: an employee of Contoso links, in a conversation with the bot, the MSA that counted
for Fabrikam; Fabrikam's admins each get exactly one alert, in their own language, naming the person
and the credential; Contoso's figures rise and Fabrikam's fall."""

from __future__ import annotations

from services.demo_dataset import FABRIKAM_ID, FABRIKAM_TENANT
from services.importer import import_dataset
from services.progress import organization_progress
from tests.e2e.agreement import assert_alert_agrees_with_renewal
from tests.e2e.conftest import JONAS, NOW, OLIVER, outbox_settled, prepare_sign_in
from tests.e2e.fakes import TeamsUser

FRIEDA = TeamsUser("29:frieda", "00000000-0000-4000-8000-0000000000f9", FABRIKAM_TENANT, "de-DE", "Frieda Wolf")
THOMAS_MSA = "t.okafor@outlook.example"  # one of Fabrikam's two Cloud Productivity Gold people


def gold_people(evaluation) -> tuple[float, float]:
    requirement = evaluation.assessment.competency("cloud-productivity").levels["gold"].options[0].requirements[1]
    return requirement.current, requirement.pending


async def test_fabrikams_admins_each_get_one_alert_in_their_language_when_jonas_takes_thomas_msa(bot, teams, connector, token_service, graph, uows):
    await import_dataset(uows, {"users": [{"id": "u-frieda", "organization": FABRIKAM_ID, "display_name": "Frieda Wolf", "aad_object_id": FRIEDA.aad_object_id, "roles": ["admin"], "locale": "de-DE"}]}, NOW)
    await teams.say(bot.url, OLIVER, "help")  # the admins have talked to the bot: it can reach them
    await teams.say(bot.url, FRIEDA, "Hilfe")
    fabrikam_before = gold_people(await organization_progress(uows, FABRIKAM_ID, NOW))
    contoso_before = gold_people(await organization_progress(uows, "1234567", NOW))
    prepare_sign_in(token_service, graph, JONAS, "token-jonas", THOMAS_MSA)

    await teams.say(bot.url, JONAS, "link my MSA")
    await teams.say(bot.url, JONAS, "yes")
    oliver = await connector.wait_for(2, OLIVER.conversation_id)  # help answer + the alert
    frieda = await connector.wait_for(2, FRIEDA.conversation_id)
    await outbox_settled(uows)  # every alert queued is sent: a second copy would have arrived by now

    english, german = oliver[1:], frieda[1:]
    assert len(connector.accepted(OLIVER.conversation_id)) == 2 and len(connector.accepted(FRIEDA.conversation_id)) == 2
    assert "A recent change to your competency achievement has put your membership renewal eligibility at risk" in english[0].text
    assert "Thomas Okafor" in english[0].text and "70-346" in english[0].text
    assert english[0].text == (
        "Competency alert for Fabrikam Partners Ltd\n"
        "A recent change to your competency achievement has put your membership renewal eligibility at risk\n"
        "What changed: Thomas Okafor's Microsoft account, which holds Managing Office 365 Identities and Requirements (70-346) "
        "and Enabling Office 365 Services (70-347), counts for another organisation since Nov 21, 2026\n"
        "Cloud Productivity Gold would not be met on Jun 9, 2027.\n"
        "Your Gold membership renewal on Jun 9, 2027 is at risk.\n"
        "Cheapest fix for Cloud Productivity Gold, via Managed services: 1 more certified person (70-346 + 70-347 or MCSA: Office 365)\n"
        "  Who could fill the gap\n"
        "  - Grace Mensah needs only 70-347 or MCSA: Office 365"
    )  # Contoso, where the MSA now counts, is not named to Fabrikam
    assert german[0].text == (
        "Kompetenzhinweis für Fabrikam Partners Ltd\n"
        "Eine kürzlich erfolgte Änderung bei Ihren Kompetenznachweisen gefährdet die Verlängerung Ihrer Mitgliedschaft\n"
        "Was sich geändert hat: Das Microsoft-Konto von Thomas Okafor mit Managing Office 365 Identities and Requirements (70-346) "
        "und Enabling Office 365 Services (70-347) zählt seit dem 21.11.2026 für eine andere Organisation\n"
        "Cloud-Produktivität auf Stufe Gold wäre am 09.06.2027 nicht mehr erfüllt.\n"
        "Die Verlängerung Ihrer Gold-Mitgliedschaft am 09.06.2027 ist gefährdet.\n"
        "Am wenigsten fehlt für Cloud-Produktivität auf Stufe Gold über Managed Services: noch 1 zertifizierte Person (70-346 + 70-347 oder MCSA: Office 365)\n"
        "  Wer die Lücke schließen könnte\n"
        "  - Grace Mensah braucht nur noch 70-347 oder MCSA: Office 365"
    )
    renewal = (await teams.say(bot.url, FRIEDA, "Verlängerung gefährdet?"))[0].text
    assert_alert_agrees_with_renewal(german[0].text, renewal, "de", "Thomas Okafor")
    assert fabrikam_before == (2, 0) and gold_people(await organization_progress(uows, FABRIKAM_ID, NOW)) == (1, 0)
    assert gold_people(await organization_progress(uows, "1234567", NOW))[1] == contoso_before[1] + 1  # pending: counts in 24 h
