"""The second release's questions (SPEC 1), typed in English and German, answered with the exact
figures of tests/answers_dataset.py (its docstring has them worked out by hand)."""

from __future__ import annotations

from itertools import pairwise

import pytest

from dialogs.confirmation import CONFIRM_BELOW
from dialogs.messages import text
from dialogs.recognizer import THRESHOLD
from tests.answers_dataset import NOW, TENANT, dataset
from tests.harness import BotHarness, Guessing, Person, card_of, texts

ANN = Person("29:ann", "aad-ann", TENANT, "en-US", "Ann Admin")
ANKE = Person("29:anke", "aad-anke", TENANT, "de-DE", "Anke Admin")
EMIL = Person("29:emil", "aad-emil", TENANT, "en-US", "Emil Employee")
LANGS = pytest.mark.parametrize("person", [ANN, ANKE], ids=["en", "de"])


def lang(person: Person) -> str:
    return "de" if person.locale.startswith("de") else "en"


@pytest.fixture
async def bot(start_bot) -> BotHarness:
    return await start_bot(dataset(), NOW)


async def ask(bot: BotHarness, person: Person, question: dict[str, str] | str) -> list[str]:
    """The reply's plain-text lines, without the "As of" line (its time format is the formatter's)."""
    said = question if isinstance(question, str) else question[lang(person)]
    replies = await bot.chat(person).say(said)
    assert len(replies) == 1, texts(replies)
    as_of = text(lang(person), "as_of", when="")
    return [line for line in texts(replies)[0].splitlines() if not line.startswith(as_of)]


@LANGS
async def test_one_named_competency_shows_both_levels_every_option_and_marks_the_closest(bot, person):
    lines = await ask(bot, person, {"en": "how are we doing on Cloud Platform?", "de": "Wie steht es um die Cloud-Plattform?"})

    assert lines == {
        "en": [
            "Cloud Platform at Alpha Consulting",
            "Held: Silver",
            "",
            "Silver: met · safe at renewal",
            "Azure consumption: met (counts)",
            "- Azure consumption (last 12 months): $24,000 of $15,000 (met)",
            "- Certified people (AZ-104 or AZ-305): 2 of 1 person (met)",
            "  pending: 1, counting from Nov 22, 2026, 11:00 UTC",
            "Certified experts: met",
            "- Certified people (AZ-305): 2 of 2 people (met)",
            "  pending: 1, counting from Nov 22, 2026, 11:00 UTC",
            "",
            "Gold: not met",
            "Azure consumption: not met",
            "- Azure consumption (last 12 months): $24,000 of $100,000 (not met)",
            "- Certified people (AZ-104 or AZ-305): 2 of 2 people (met)",
            "  pending: 1, counting from Nov 22, 2026, 11:00 UTC",
            "Certified experts: not met (closest)",
            "- Certified people (AZ-305): 2 of 4 people (not met)",
            "  pending: 1, counting from Nov 22, 2026, 11:00 UTC",
        ],
        "de": [
            "Cloud-Plattform bei Alpha Consulting",
            "Erworben: Silber",
            "",
            "Silber: erfüllt · bei der Verlängerung sicher",
            "Azure-Verbrauch: erfüllt (zählt)",
            "- Azure-Verbrauch (in den letzten 12 Monaten): 24.000 $ von 15.000 $ (erfüllt)",
            "- Zertifizierte Personen (AZ-104 oder AZ-305): 2 von 1 Person (erfüllt)",
            "  ausstehend: 1, ab 22.11.2026, 11:00 UTC",
            "Zertifizierte Fachleute: erfüllt",
            "- Zertifizierte Personen (AZ-305): 2 von 2 Personen (erfüllt)",
            "  ausstehend: 1, ab 22.11.2026, 11:00 UTC",
            "",
            "Gold: nicht erfüllt",
            "Azure-Verbrauch: nicht erfüllt",
            "- Azure-Verbrauch (in den letzten 12 Monaten): 24.000 $ von 100.000 $ (nicht erfüllt)",
            "- Zertifizierte Personen (AZ-104 oder AZ-305): 2 von 2 Personen (erfüllt)",
            "  ausstehend: 1, ab 22.11.2026, 11:00 UTC",
            "Zertifizierte Fachleute: nicht erfüllt (am nächsten dran)",
            "- Zertifizierte Personen (AZ-305): 2 von 4 Personen (nicht erfüllt)",
            "  ausstehend: 1, ab 22.11.2026, 11:00 UTC",
        ],
    }[lang(person)]


async def test_what_a_level_requires_in_a_named_competency_is_about_that_competency(bot):
    lines = await ask(bot, ANN, "what does Silver require in Security?")

    assert lines == [
        "Security at Alpha Consulting",
        "Held: Silver",
        "",
        "Silver: met · at risk at renewal",
        "Security operations: met (counts)",
        "- Certified people (SC-200): 1 of 1 person (met)",
        "",
        "Gold: not met",
        "Security operations: not met (closest)",
        "- Certified people (SC-200): 1 of 2 people (not met)",
    ]  # nothing about Cloud Platform


@LANGS
async def test_the_membership_status_names_level_expiry_held_competencies_profile_and_renewal(bot, person):
    lines = await ask(bot, person, {"en": "when does our membership expire?", "de": "Wann läuft unsere Mitgliedschaft ab?"})

    assert lines == {
        "en": [
            "Membership of Alpha Consulting",
            "Silver membership until Jan 31, 2027",
            "Renewal on Jan 31, 2027: safe, a held competency still meets Silver.",
            "Held competencies: Cloud Platform Silver and Security Silver (at risk)",
            "Requirements met today for Silver membership; after that upgrade the profile shows: Cloud Platform Silver and Security Silver",
        ],
        "de": [
            "Mitgliedschaft von Alpha Consulting",
            "Silber-Mitgliedschaft bis 31.01.2027",
            "Verlängerung am 31.01.2027: sicher, eine erworbene Kompetenz erfüllt Silber weiterhin.",
            "Erworbene Kompetenzen: Cloud-Plattform Silber und Sicherheit Silber (gefährdet)",
            "Derzeit sind die Anforderungen für die Silber-Mitgliedschaft erfüllt; nach diesem Upgrade zeigt das Profil: Cloud-Plattform Silber und Sicherheit Silber",
        ],
    }[lang(person)]


@LANGS
async def test_who_holds_a_credential_lists_each_person_with_until_when_and_what_they_carry(bot, person):
    lines = await ask(bot, person, {"en": "who holds AZ-305?", "de": "Wer hat die AZ-305?"})

    assert lines == {
        "en": [
            "Who holds Azure Solutions Architect (AZ-305)",
            "",
            "- Ben Weber: Azure Solutions Architect (AZ-305) until Feb 10, 2027",
            "  Carries Cloud Platform Silver",
            "- Nina Novak: Azure Solutions Architect (AZ-305), counts from Nov 22, 2026, 11:00 UTC",
            "  Carries no level yet",
            "- Sam Taylor: Azure Solutions Architect (AZ-305) until Mar 1, 2028",
            "  Carries Cloud Platform Silver",
            "",
            "No slack",
            "No level rests on exactly the number of people it needs.",
        ],
        "de": [
            "Wer Azure-Lösungsarchitekt (AZ-305) hat",
            "",
            "- Ben Weber: Azure-Lösungsarchitekt (AZ-305) bis 10.02.2027",
            "  Trägt Cloud-Plattform Silber",
            "- Nina Novak: Azure-Lösungsarchitekt (AZ-305), zählt ab 22.11.2026, 11:00 UTC",
            "  Trägt noch keine Stufe",
            "- Sam Taylor: Azure-Lösungsarchitekt (AZ-305) bis 01.03.2028",
            "  Trägt Cloud-Plattform Silber",
            "",
            "Ohne Reserve",
            "Keine Stufe hängt an genau so vielen Personen, wie sie braucht.",
        ],
    }[lang(person)]


@LANGS
async def test_who_counts_for_a_competency_names_the_level_without_slack(bot, person):
    lines = await ask(bot, person, {"en": "who counts for Security?", "de": "Wer zählt für Sicherheit?"})

    assert lines == {
        "en": [
            "Who counts for Security",
            "",
            "- Sam Green: Security Operations Analyst (SC-200) until Jan 20, 2027",
            "  Carries Security Silver",
            "",
            "No slack",
            "- Security Silver rests on exactly 1 person: Sam Green",
        ],
        "de": [
            "Wer für Sicherheit zählt",
            "",
            "- Sam Green: Security Operations Analyst (SC-200) bis 20.01.2027",
            "  Trägt Sicherheit Silber",
            "",
            "Ohne Reserve",
            "- Sicherheit Silber hängt an genau 1 Person: Sam Green",
        ],
    }[lang(person)]


@LANGS
async def test_who_our_certified_people_are_is_everyone_present_never_the_admins_own_achievements(bot, person):
    lines = await ask(bot, person, {"en": "who are our certified people?", "de": "Wer ist bei uns zertifiziert?"})

    people = [line.removeprefix("- ").split(":")[0] for line, below in pairwise(lines) if below.startswith("  ")]
    assert people == ["Ben Weber", "Nina Novak", "Oliver Brown", "Sam Green", "Sam Taylor"]  # Carl left: not listed
    assert lines[-1] == {"en": "- Security Silver rests on exactly 1 person: Sam Green", "de": "- Sicherheit Silber hängt an genau 1 Person: Sam Green"}[lang(person)]


@LANGS
async def test_expiring_lists_counted_achievements_within_the_warning_days_before_the_renewal(bot, person):
    lines = await ask(bot, person, {"en": "which certifications expire soon?", "de": "Was läuft bald ab?"})

    # Ben's AZ-305 (Feb 10, 2027) is within 90 days but after the renewal on Jan 31: not listed.
    assert lines == {
        "en": [
            "Expiring soon",
            "Counted achievements that stop counting within 90 days and before the renewal on Jan 31, 2027:",
            "",
            "Sam Taylor: Azure Administrator (AZ-104) expires on Jan 10, 2027",
            "  Counts toward Cloud Platform Silver",
            "",
            "Sam Green: Security Operations Analyst (SC-200) expires on Jan 20, 2027",
            "  Counts toward Security Silver",
        ],
        "de": [
            "Läuft bald ab",
            "Zählende Nachweise, die innerhalb von 90 Tagen und vor der Verlängerung am 31.01.2027 nicht mehr zählen:",
            "",
            "Sam Taylor: Azure-Administrator (AZ-104) läuft am 10.01.2027 ab",
            "  Zählt für Cloud-Plattform Silber",
            "",
            "Sam Green: Security Operations Analyst (SC-200) läuft am 20.01.2027 ab",
            "  Zählt für Sicherheit Silber",
        ],
    }[lang(person)]


@LANGS
async def test_what_if_someone_earns_a_credential_shows_only_what_changes_before_and_after(bot, person):
    lines = await ask(bot, person, {"en": "what if Oliver passes SC-200?", "de": "Was wäre, wenn Oliver die SC-200 besteht?"})

    assert lines == {
        "en": [
            "What if Oliver Brown earns Security Operations Analyst (SC-200)?",
            "Membership: requirements met for Silver → Gold",
            "Renewal on Jan 31, 2027: still safe",
            "",
            "- Security Silver: met, at risk → met",
            "- Security Gold: not met → met",
            "",
            "- Would be met: Security Gold via Security operations",
            "Nothing has been changed; this is only a calculation.",
        ],
        "de": [
            "Was wäre, wenn Oliver Brown Security Operations Analyst (SC-200) erwirbt?",
            "Mitgliedschaft: Anforderungen erfüllt für Silber → Gold",
            "Verlängerung am 31.01.2027: weiterhin sicher",
            "",
            "- Sicherheit Silber: erfüllt, gefährdet → erfüllt",
            "- Sicherheit Gold: nicht erfüllt → erfüllt",
            "",
            "- Wäre erfüllt: Sicherheit Gold über Sicherheitsbetrieb",
            "Es wurde nichts geändert; das ist nur eine Berechnung.",
        ],
    }[lang(person)]
    assert (await bot.assistant.progress("org-a")).assessment.eligible_level == "silver"  # nothing stored


@LANGS
async def test_what_if_someone_loses_a_credential_and_what_if_they_leave(bot, person):
    lost = await ask(bot, person, {"en": "what if Sam Green loses SC-200?", "de": "Was wäre, wenn Sam Green die SC-200 verliert?"})
    left = await ask(bot, person, {"en": "what if Ben Weber leaves?", "de": "Was wäre, wenn Ben Weber geht?"})

    assert lost[0] == {"en": "What if Sam Green loses Security Operations Analyst (SC-200)?", "de": "Was wäre, wenn Sam Green Security Operations Analyst (SC-200) verliert?"}[lang(person)]
    assert lost[4] == {"en": "- Security Silver: met, at risk → not met, at risk", "de": "- Sicherheit Silber: erfüllt, gefährdet → nicht erfüllt, gefährdet"}[lang(person)]
    assert left == {
        "en": [
            "What if Ben Weber leaves?",
            "Membership: requirements still met for Silver",
            "Renewal on Jan 31, 2027: still safe",
            "",
            "- Would no longer be met: Cloud Platform Silver via Certified experts",
            "Nothing has been changed; this is only a calculation.",
        ],
        "de": [
            "Was wäre, wenn Ben Weber geht?",
            "Mitgliedschaft: Anforderungen weiterhin erfüllt für Silber",
            "Verlängerung am 31.01.2027: weiterhin sicher",
            "",
            "- Wäre nicht mehr erfüllt: Cloud-Plattform Silber über Zertifizierte Fachleute",
            "Es wurde nichts geändert; das ist nur eine Berechnung.",
        ],
    }[lang(person)]


@LANGS
async def test_two_people_with_the_name_are_asked_about_and_the_choice_answers(bot, person):
    chat = bot.chat(person)
    asked = await chat.say({"en": "what if Sam leaves?", "de": "Was wäre, wenn Sam geht?"}[lang(person)])
    buttons = card_of(asked[0])["actions"]

    assert texts(asked)[0].splitlines() == [text(lang(person), "person_which", name="Sam"), "- Sam Green", "- Sam Taylor"]
    assert [b["title"] for b in buttons] == ["Sam Green", "Sam Taylor"]
    chosen = await chat.say(value=buttons[0]["data"])
    assert texts(chosen)[0].splitlines() == {
        "en": [
            "What if Sam Green leaves?",
            "Membership: requirements still met for Silver",
            "Renewal on Jan 31, 2027: still safe",
            "",
            "- Security Silver: met, at risk → not met, at risk",
            "",
            "- Would no longer be met: Security Silver via Security operations",
            "Nothing has been changed; this is only a calculation.",
        ],
        "de": [
            "Was wäre, wenn Sam Green geht?",
            "Mitgliedschaft: Anforderungen weiterhin erfüllt für Silber",
            "Verlängerung am 31.01.2027: weiterhin sicher",
            "",
            "- Sicherheit Silber: erfüllt, gefährdet → nicht erfüllt, gefährdet",
            "",
            "- Wäre nicht mehr erfüllt: Sicherheit Silber über Sicherheitsbetrieb",
            "Es wurde nichts geändert; das ist nur eine Berechnung.",
        ],
    }[lang(person)]


@LANGS
async def test_a_name_nobody_has_is_said_so(bot, person):
    lines = await ask(bot, person, {"en": "what if Zoe leaves?", "de": "Was wäre, wenn Zoe geht?"})

    assert lines == [{"en": "I don't know anyone called Zoe at Alpha Consulting.", "de": "Ich kenne bei Alpha Consulting niemanden namens Zoe."}[lang(person)]]


@LANGS
async def test_a_what_if_about_passing_without_a_credential_asks_which(bot, person):
    lines = await ask(bot, person, {"en": "what if Ben passes an exam?", "de": "Was wäre, wenn Ben eine Prüfung besteht?"})

    assert lines == [text(lang(person), "what_if_needs_credential", person="Ben")]


@LANGS
async def test_specializations_show_the_gold_prerequisite_the_criteria_and_the_audit(bot, person):
    lines = await ask(bot, person, {"en": "do we qualify for an advanced specialization?", "de": "Erfüllen wir eine Advanced Specialization?"})

    assert lines == {
        "en": [
            "Advanced specializations",
            "",
            "Analytics on Microsoft Azure: not met",
            "Cloud Platform Gold (prerequisite): not met",
            "Criteria",
            "- Certified people (DP-203): 1 of 1 person (met)",
            "Microsoft audit: passed on Sep 15, 2026",
        ],
        "de": [
            "Advanced Specializations",
            "",
            "Analysen in Microsoft Azure: nicht erfüllt",
            "Cloud-Plattform Gold (Voraussetzung): nicht erfüllt",
            "Kriterien",
            "- Zertifizierte Personen (DP-203): 1 von 1 Person (erfüllt)",
            "Microsoft-Audit: bestanden am 15.09.2026",
        ],
    }[lang(person)]


@LANGS
async def test_designations_show_the_score_per_track_and_the_points_per_metric(bot, person):
    lines = await ask(bot, person, {"en": "how many Solutions Partner points do we have?", "de": "Wie viele Solutions-Partner-Punkte haben wir?"})

    # By hand (R14: points = max_points × value / full_at, capped at max_points):
    enterprise = [10 * 1 / 4, min(30, 30 * 600 / 1000), min(25, 25 * 7 / 5)]  # 2.5, 18, 25
    smb = [10 * 1 / 2, min(30, 30 * 600 / 500), min(25, 25 * 7 / 10)]  # 5, 30, 17.5
    assert (sum(enterprise), sum(smb)) == (45.5, 52.5)
    assert lines == {
        "en": [
            "Solutions Partner designations",
            "",
            "Solutions Partner for Modern Work: 52.50 of 100 points (Small and medium business, the best track)",
            "Not qualified yet: 70 points are needed.",
            "Enterprise track: 45.50 points",
            "- Certified people (MS-700): 1 of 4: 2.50 of 10 points",
            "- Modern Work usage growth: 600 of 1,000: 18 of 30 points",
            "- Modern Work deployments: 7 of 5: 25 of 25 points",
            "Small and medium business track: 52.50 points",
            "- Certified people (MS-700): 1 of 2: 5 of 10 points",
            "- Modern Work usage growth: 600 of 500: 30 of 30 points",
            "- Modern Work deployments: 7 of 10: 17.50 of 25 points",
        ],
        "de": [
            "Solutions Partner-Designations",
            "",
            "Solutions Partner für Modern Work: 52,50 von 100 Punkten (Kleine und mittlere Unternehmen, der beste Track)",
            "Noch nicht qualifiziert: 70 Punkte sind nötig.",
            "Track Großkunden: 45,50 Punkte",
            "- Zertifizierte Personen (MS-700): 1 von 4: 2,50 von 10 Punkten",
            "- Modern-Work-Nutzungswachstum: 600 von 1.000: 18 von 30 Punkten",
            "- Modern-Work-Bereitstellungen: 7 von 5: 25 von 25 Punkten",
            "Track Kleine und mittlere Unternehmen: 52,50 Punkte",
            "- Zertifizierte Personen (MS-700): 1 von 2: 5 von 10 Punkten",
            "- Modern-Work-Nutzungswachstum: 600 von 500: 30 von 30 Punkten",
            "- Modern-Work-Bereitstellungen: 7 von 10: 17,50 von 25 Punkten",
        ],
    }[lang(person)]


@LANGS
async def test_hello_and_thanks_get_a_short_reply_with_one_hint(bot, person):
    hello = await ask(bot, person, {"en": "hello", "de": "Hallo"})
    thanks = await ask(bot, person, {"en": "thanks!", "de": "danke!"})
    employee = Person(EMIL.user_id, EMIL.aad_object_id, EMIL.tenant_id, person.locale, EMIL.name)
    hint = await ask(bot, employee, {"en": "hi there", "de": "Guten Morgen"})

    language = lang(person)
    assert hello == [f"{text(language, 'greeting_hello')} {text(language, 'greeting_hint_admin')}"]
    assert thanks == [f"{text(language, 'greeting_thanks')} {text(language, 'greeting_hint_admin')}"]
    assert hint == [f"{text(language, 'greeting_hello')} {text(language, 'greeting_hint_employee')}"]


@LANGS
async def test_organisation_wide_questions_are_for_admins_only(bot, person):
    employee = Person(EMIL.user_id, EMIL.aad_object_id, EMIL.tenant_id, person.locale, EMIL.name)
    questions = {
        "en": ["when does our membership expire?", "who holds AZ-305?", "which certifications expire soon?", "what if Ben leaves?",
               "do we qualify for an advanced specialization?", "how many Solutions Partner points do we have?", "how are we doing on Security?"],
        "de": ["Wann läuft unsere Mitgliedschaft ab?", "Wer hat die AZ-305?", "Was läuft bald ab?", "Was wäre, wenn Ben geht?",
               "Erfüllen wir eine Advanced Specialization?", "Wie viele Solutions-Partner-Punkte haben wir?", "Wie steht es um Sicherheit?"],
    }[lang(person)]

    for question in questions:
        assert await ask(bot, employee, question) == [text(lang(person), "admins_only")], question


GUESSES = {"maybe mute": ("alerts_off", CONFIRM_BELOW - 0.01), "surely mute": ("alerts_off", CONFIRM_BELOW),
           "maybe cancel": ("cancel", CONFIRM_BELOW - 0.01), "surely cancel": ("cancel", CONFIRM_BELOW), "barely cancel": ("cancel", THRESHOLD)}


@pytest.fixture
async def guessing_bot(start_bot) -> BotHarness:
    return await start_bot(dataset(), NOW, recognizer=Guessing(GUESSES))


@LANGS
async def test_a_low_confidence_alerts_off_is_confirmed_before_it_acts(guessing_bot, person):
    bot = guessing_bot
    chat = bot.chat(person)
    user_id = f"u-{person.user_id[3:]}"

    asked = await chat.say("maybe mute")
    still_on = await bot.assistant.alerts_enabled(user_id)
    declined = await chat.say(text(lang(person), "confirm_no"))
    after_no = await bot.assistant.alerts_enabled(user_id)
    await chat.say("maybe mute")
    done = await chat.say(text(lang(person), "confirm_yes"))

    assert asked[0].attachments[0].content.text == text(lang(person), "confirm_alerts_off") and still_on
    assert [b.title for b in asked[0].attachments[0].content.buttons] == [text(lang(person), "confirm_yes"), text(lang(person), "confirm_no")]
    assert texts(declined) == [text(lang(person), "confirm_declined")] and after_no
    assert texts(done) == [text(lang(person), "alerts_off_done")]
    assert not await bot.assistant.alerts_enabled(user_id)


@LANGS
async def test_an_alerts_off_at_the_confidence_bar_acts_at_once(guessing_bot, person):
    done = await guessing_bot.chat(person).say("surely mute")
    typed = await guessing_bot.chat(person).say({"en": "alerts off", "de": "Benachrichtigungen aus"}[lang(person)])

    assert texts(done) == texts(typed) == [text(lang(person), "alerts_off_done")]
    assert not await guessing_bot.assistant.alerts_enabled(f"u-{person.user_id[3:]}")


@LANGS
async def test_a_low_confidence_cancel_inside_a_dialog_is_confirmed_first(guessing_bot, person):
    chat = guessing_bot.chat(person)
    await chat.say("maybe mute")  # a running dialog: the alerts question waits for its answer

    asked = await chat.say("barely cancel")
    declined = await chat.say(text(lang(person), "confirm_no"))
    await chat.say("maybe cancel")
    cancelled = await chat.say(text(lang(person), "confirm_yes"))
    after = await chat.say(text(lang(person), "confirm_yes"))

    assert asked[0].attachments[0].content.text == text(lang(person), "confirm_cancel")
    assert texts(declined)[0] == text(lang(person), "confirm_continue")
    assert declined[1].attachments[0].content.text == text(lang(person), "confirm_alerts_off")  # the question again
    assert texts(cancelled) == [text(lang(person), "cancelled")]
    assert texts(after) == [text(lang(person), "unknown_intent")]  # the alerts question is gone
    assert await guessing_bot.assistant.alerts_enabled(f"u-{person.user_id[3:]}")


async def test_a_confident_cancel_inside_a_dialog_cancels_at_once(guessing_bot):
    chat = guessing_bot.chat(ANN)
    await chat.say("maybe mute")

    cancelled = await chat.say("surely cancel")

    assert texts(cancelled) == [text("en", "cancelled")]
    assert await guessing_bot.assistant.alerts_enabled("u-ann")


@LANGS
async def test_a_card_button_carries_its_entities_into_the_next_answer(bot, person):
    chat = bot.chat(person)
    competency = await chat.say({"en": "how are we doing on Security?", "de": "Wie steht es um Sicherheit?"}[lang(person)])
    button = next(a for a in card_of(competency[0])["actions"] if a["data"]["intent"] == "people")

    clicked = await chat.say(value=button["data"])

    assert button["data"] == {"intent": "people", "competency": "security"}
    assert texts(clicked)[0].splitlines()[0] == {"en": "Who counts for Security", "de": "Wer für Sicherheit zählt"}[lang(person)]


@LANGS
async def test_what_one_named_person_holds(bot, person):
    lines = await ask(bot, person, {"en": "what does Ben hold?", "de": "Was hat Ben?"})

    assert lines == {
        "en": ["What Ben Weber holds", "", "- Ben Weber: Azure Solutions Architect (AZ-305) until Feb 10, 2027", "  Carries Cloud Platform Silver"],
        "de": ["Was Ben Weber hat", "", "- Ben Weber: Azure-Lösungsarchitekt (AZ-305) bis 10.02.2027", "  Trägt Cloud-Plattform Silber"],
    }[lang(person)]


async def test_a_short_form_of_a_name_finds_the_one_person_it_starts(start_bot):
    from services.demo_dataset import FABRIKAM_ADMIN_AAD, FABRIKAM_TENANT, build_demo_dataset

    demo = await start_bot(build_demo_dataset(NOW), NOW)
    oliver = Person("29:oliver", FABRIKAM_ADMIN_AAD, FABRIKAM_TENANT, "en-US", "Oliver Bennett")

    replies = await demo.chat(oliver).say("what if Sam leaves?")

    assert texts(replies)[0].splitlines() == [
        "What if Samuel Otieno leaves?",  # "Sam" starts only Samuel's name
        "Membership: requirements still met for Gold",
        "Renewal on Jun 9, 2027: still safe",  # the demo's Gold membership expires 200 days after NOW
        "Nothing would change: every level, the membership and its renewal stay as they are.",  # Cloud Platform Silver lacks consumption anyway
        "Nothing has been changed; this is only a calculation.",
    ]


@LANGS
async def test_a_what_if_without_a_person_asks_whom_and_losing_what_nobody_holds_says_so(bot, person):
    whom = await ask(bot, person, {"en": "what if someone leaves?", "de": "Was wäre, wenn jemand geht?"})
    not_held = await ask(bot, person, {"en": "what if Ben loses SC-200?", "de": "Was wäre, wenn Ben die SC-200 verliert?"})

    assert whom == [text(lang(person), "what_if_needs_person")]
    assert not_held == [
        {
            "en": "Ben Weber holds no Security Operations Analyst (SC-200), so losing it changes nothing.",
            "de": "Ben Weber hat kein Security Operations Analyst (SC-200); es zu verlieren, ändert nichts.",
        }[lang(person)]
    ]
