"""Every dialog on channel msteams, in English and German, over a real database."""

from __future__ import annotations

from datetime import timedelta

import pytest
from botbuilder.core import CardFactory
from botbuilder.schema import Activity, ActivityTypes, ChannelAccount, ConversationAccount

from dialogs.formatting import datetime_text
from dialogs.messages import text
from tests.dialogs.conftest import ANKE, ANN, BEA, EMIL, NOW, STRANGER
from tests.harness import card_of, texts

LANGS = pytest.mark.parametrize("person", [ANN, ANKE], ids=["en", "de"])


def lang(person) -> str:
    return "de" if person.locale.startswith("de") else "en"


def linked(person, msa: str) -> str:
    """The link confirmation: the MSA counts 24 hours after NOW (the catalog's visibility delay)."""
    return text(lang(person), "link_done", msa=msa, counts_from=datetime_text(NOW + timedelta(hours=24), lang(person)))


def as_of(person) -> str:
    return text(lang(person), "as_of", when=datetime_text(NOW, lang(person)))


def cloud_people(evaluation) -> tuple[str, ...]:
    return evaluation.assessment.competency("cloud-platform").levels["silver"].options[0].requirements[1].counted


LINK = {"en": "link my MSA", "de": "MSA verknüpfen"}
YES = {"en": "yes", "de": "ja"}
NO = {"en": "no", "de": "nein"}
HELP = {"en": "help", "de": "Hilfe"}
CANCEL = {"en": "cancel", "de": "abbrechen"}
PROGRESS = {"en": "what's our gold progress?", "de": "Wie ist unser Gold-Fortschritt?"}


@LANGS
async def test_signing_in_with_a_stored_token_links_the_msa_and_says_when_it_counts(harness, person):
    harness.sign_in(person, "token-1", f"{person.user_id[3:]}-new@outlook.example")
    chat = harness.chat(person)

    replies = await chat.say(LINK[lang(person)])

    assert texts(replies) == [linked(person, f"{person.user_id[3:]}-new@outlook.example")]
    assert harness.directory.calls == ["token-1"]


@LANGS
async def test_signing_in_with_a_magic_code_shows_the_sign_in_card_first(harness, person):
    harness.sign_in(person, "token-2", "magic@outlook.example", magic_code="123456")
    chat = harness.chat(person)

    first = await chat.say(LINK[lang(person)])
    second = await chat.say("123456")

    assert first[0].attachments[0].content_type == CardFactory.content_types.oauth_card
    assert first[0].attachments[0].content.text == text(lang(person), "sign_in_prompt")
    [button] = first[0].attachments[0].content.buttons  # the token service's sign-in page for this user
    assert (button.title, button.value) == (text(lang(person), "sign_in_title"), f"https://token.example/sign-in/MSA/{person.user_id}")
    assert texts(second) == [linked(person, "magic@outlook.example")]


@LANGS
async def test_an_msa_counting_elsewhere_is_linked_only_after_confirmation_and_the_old_figures_drop(harness, person):
    harness.sign_in(person, "token-3", "EMIL@outlook.example")
    chat = harness.chat(person)
    before_b = await harness.assistant.progress("org-b")

    asked = await chat.say(LINK[lang(person)])
    done = await chat.say(YES[lang(person)])

    assert texts(asked) == [text(lang(person), "link_confirm_dissolve", msa="EMIL@outlook.example", organization="Beta Partners")]
    assert texts(done) == [linked(person, "emil@outlook.example")]
    assert cloud_people(before_b) == ("u-bea",)
    assert cloud_people(await harness.assistant.progress("org-b")) == ()
    harness.clock.now = NOW + timedelta(hours=24)
    assert cloud_people(await harness.assistant.progress("org-a")) == tuple(sorted({"u-ann", f"u-{person.user_id[3:]}"}))


@LANGS
async def test_declining_the_confirmation_changes_nothing(harness, person):
    harness.sign_in(person, "token-4", "emil@outlook.example")
    chat = harness.chat(person)

    await chat.say(LINK[lang(person)])
    kept = await chat.say(NO[lang(person)])

    assert texts(kept) == [text(lang(person), "link_kept", msa="emil@outlook.example", organization="Beta Partners")]
    assert cloud_people(await harness.assistant.progress("org-b")) == ("u-bea",)


@LANGS
async def test_the_cool_down_refuses_with_the_date_linking_works_again(harness, person):
    harness.sign_in(person, "token-5", "emil@outlook.example")
    harness.sign_in(BEA, "token-6", "emil@outlook.example")
    chat = harness.chat(person)
    await chat.say(LINK[lang(person)])
    await chat.say(YES[lang(person)])
    harness.clock.now = NOW + timedelta(days=3)
    bea = harness.chat(BEA)

    await bea.say("link my MSA")
    refused = await bea.say("yes")

    retry = datetime_text(NOW + timedelta(days=30), "en")
    assert texts(refused) == [text("en", "link_refused_cooldown", date=retry)]
    assert cloud_people(await harness.assistant.progress("org-b")) == ()


@LANGS
async def test_cancel_leaves_the_link_dialog_and_the_next_message_starts_fresh(harness, person):
    harness.sign_in(person, "token-7", "emil@outlook.example")
    chat = harness.chat(person)

    await chat.say(LINK[lang(person)])
    cancelled = await chat.say(CANCEL[lang(person)])
    after = await chat.say(YES[lang(person)])

    assert texts(cancelled) == [text(lang(person), "cancelled")]
    assert texts(after) == [text(lang(person), "unknown_intent")]
    assert cloud_people(await harness.assistant.progress("org-b")) == ("u-bea",)


@LANGS
async def test_help_inside_the_link_dialog_answers_and_the_dialog_goes_on(harness, person):
    harness.sign_in(person, "token-8", "emil@outlook.example")
    chat = harness.chat(person)

    await chat.say(LINK[lang(person)])
    helped = await chat.say(HELP[lang(person)])
    done = await chat.say(YES[lang(person)])

    abilities = (text(lang(person), "help") + "\n" + text(lang(person), "help_more")).splitlines()
    assert [reply.splitlines() for reply in texts(helped)] == [[text(lang(person), "help_title"), *abilities]]
    assert texts(done) == [linked(person, "emil@outlook.example")]


async def test_the_dialog_survives_a_restart_between_two_turns(harness):
    harness.sign_in(ANN, "token-9", "emil@outlook.example")
    await harness.chat(ANN).say("link my MSA")

    await harness.restart()
    done = await harness.chat(ANN).say("yes")

    assert texts(done) == [linked(ANN, "emil@outlook.example")]


@LANGS
async def test_an_admin_gets_the_organisations_progress_as_a_card_with_exact_figures(harness, person):
    replies = await harness.chat(person).say(PROGRESS[lang(person)])

    card = card_of(replies[0])
    assert card["version"] == "1.5" and card["type"] == "AdaptiveCard"
    assert texts(replies)[0].splitlines() == {
        "en": [
            "Gold progress for Alpha Consulting",
            "Membership: Silver until Jan 31, 2027",
            "Today the requirements for Silver membership are met.",
            as_of(person),
            "",
            "Cloud Platform",
            "Held: Silver · Safe at renewal",
            "Gold: not met · via Azure consumption",
            "- Azure consumption (last 12 months): $120,000 of $100,000 (met)",  # 12 months of 10,000; named as the bundled catalog names it
            "- Certified people (AZ-104 or AZ-305): 1 of 2 people (not met)",  # Ann's AZ-104; Emil's MSA counts for Beta
        ],
        "de": [
            "Gold-Fortschritt für Alpha Consulting",
            "Mitgliedschaft: Silber bis 31.01.2027",
            "Derzeit sind die Anforderungen für die Silber-Mitgliedschaft erfüllt.",
            as_of(person),
            "",
            "Cloud-Plattform",
            "Erworben: Silber · Bei der Verlängerung sicher",
            "Gold: nicht erfüllt · über Azure-Verbrauch",
            "- Azure-Verbrauch (in den letzten 12 Monaten): 120.000 $ von 100.000 $ (erfüllt)",
            "- Zertifizierte Personen (AZ-104 oder AZ-305): 1 von 2 Personen (nicht erfüllt)",
        ],
    }[lang(person)]


@LANGS
async def test_a_non_admin_may_not_see_organisation_wide_answers(harness, person):
    emil = type(EMIL)(EMIL.user_id, EMIL.aad_object_id, EMIL.tenant_id, person.locale, EMIL.name)

    for question in (PROGRESS[lang(person)], "upgrade options", "is our renewal at risk?"):
        replies = await harness.chat(emil).say(question)
        assert texts(replies) == [text(lang(person), "admins_only")], question


@LANGS
async def test_an_unknown_user_is_told_politely(harness, person):
    stranger = type(STRANGER)(STRANGER.user_id, STRANGER.aad_object_id, STRANGER.tenant_id, person.locale)

    replies = await harness.chat(stranger).say(PROGRESS[lang(person)])

    assert texts(replies) == [text(lang(person), "not_registered")]


async def test_a_known_user_from_another_tenant_sees_nothing(harness):
    spoof = type(ANN)(ANN.user_id, ANN.aad_object_id, "tenant-b")  # Ann's object id, Beta's tenant

    replies = await harness.chat(spoof).say("what's our gold progress?")

    assert texts(replies) == [text("en", "not_registered")]


@LANGS
async def test_my_achievements_lists_each_certification_with_its_status(harness, person):
    replies = await harness.chat(person).say("my achievements" if lang(person) == "en" else "meine Zertifizierungen")

    assert texts(replies)[0].splitlines() == {
        "en": [
            "Your achievements",
            "Ann Admin",
            "",
            "Linked Microsoft accounts",
            "- ann@outlook.example (certifications and assessments), linked on Jan 10, 2026",
            "",
            "- Azure Administrator (AZ-104): counts, expires on Dec 1, 2027",
            "  Counts toward: Cloud Platform (Silver, Gold)",
        ],
        "de": ["Ihre Nachweise", "Anke Admin", text("de", "no_accounts")],  # Anke has linked no Microsoft account yet
    }[lang(person)]


UPGRADE_LINES = {
    "en": ["Upgrade options toward Gold", "Ranked by what is still missing, closest first.", "", "1. Cloud Platform via Azure consumption: 1 more certified person (AZ-104 or AZ-305)"],
    "de": [
        "Upgrade-Optionen für Gold",
        "Sortiert nach dem, was noch fehlt; die nächstliegende Option zuerst.",
        "",
        "1. Cloud-Plattform über Azure-Verbrauch: noch 1 zertifizierte Person (AZ-104 oder AZ-305)",
    ],
}
RENEWAL_LINES = {
    "en": [
        "Renewal status",
        "Your Silver membership expires on Jan 31, 2027.",
        "Renewing at Silver is safe: on Jan 31, 2027 a held competency still meets Silver.",
        "",
        "Cloud Platform Silver: safe on Jan 31, 2027",
    ],
    "de": [
        "Verlängerungsstatus",
        "Ihre Silber-Mitgliedschaft läuft am 31.01.2027 ab.",
        "Die Verlängerung auf Stufe Silber ist sicher: Am 31.01.2027 erfüllt weiterhin eine erworbene Kompetenz die Stufe Silber.",
        "",
        "Cloud-Plattform, Stufe Silber: am 31.01.2027 sicher",
    ],
}


@LANGS
async def test_upgrade_options_and_renewal_status_answer_admins(harness, person):
    upgrade = await harness.chat(person).say("upgrade options" if lang(person) == "en" else "Upgrade-Optionen")
    renewal = await harness.chat(person).say("is our renewal at risk?" if lang(person) == "en" else "Verlängerung gefährdet?")

    assert card_of(upgrade[0])["type"] == card_of(renewal[0])["type"] == "AdaptiveCard"
    assert texts(upgrade)[0].splitlines() == UPGRADE_LINES[lang(person)]  # Gold: consumption met, one more certified person
    assert texts(renewal)[0].splitlines() == RENEWAL_LINES[lang(person)]  # Cloud Platform Silver holds on Jan 31, 2027


@LANGS
async def test_alerts_off_and_on_store_the_preference(harness, person):
    chat = harness.chat(person)

    off = await chat.say("alerts off" if lang(person) == "en" else "Benachrichtigungen aus")
    muted = not await harness.assistant.alerts_enabled(f"u-{person.user_id[3:]}")
    on = await chat.say("alerts on" if lang(person) == "en" else "Benachrichtigungen an")

    assert texts(off) == [text(lang(person), "alerts_off_done")] and muted
    assert texts(on) == [text(lang(person), "alerts_on_done")]
    assert await harness.assistant.alerts_enabled(f"u-{person.user_id[3:]}")


async def test_a_card_button_arrives_as_a_value_and_is_answered(harness):
    replies = await harness.chat(ANN).say(value={"intent": "renewal_status"})

    assert card_of(replies[0])["type"] == "AdaptiveCard"
    assert texts(replies)[0].splitlines() == RENEWAL_LINES["en"]


async def test_installing_the_bot_greets_and_remembers_the_conversation(harness):
    chat = harness.chat(ANN)
    update = Activity(
        type=ActivityTypes.conversation_update,
        members_added=[ChannelAccount(id="28:bot")],
        channel_id="msteams",
        locale="en-US",
        from_property=ChannelAccount(id=ANN.user_id, aad_object_id=ANN.aad_object_id),
        conversation=ConversationAccount(id=chat.conversation_id, conversation_type="personal", tenant_id=ANN.tenant_id),
        channel_data={"tenant": {"id": ANN.tenant_id}},
    )

    replies = await chat.send(update)

    assert texts(replies) == [text("en", "welcome")]
    from sqlalchemy import select

    from services.persistence.tables import ConversationReferenceRow

    async with harness.assistant.uows() as uow:
        rows = (await uow.session.execute(select(ConversationReferenceRow.user_id, ConversationReferenceRow.personal))).all()
    assert rows == [("u-ann", True)]


async def test_a_card_button_naming_no_known_level_is_answered_as_one_naming_none(harness):
    """A button's data is whatever the client posts: a level other than Silver or Gold is ignored."""
    chat = harness.chat(ANN)
    plain = await chat.say(value={"intent": "upgrade_options"})
    odd = await chat.say(value={"intent": "upgrade_options", "level": "platinum"})

    assert texts(plain)[0].splitlines() == UPGRADE_LINES["en"]
    assert card_of(odd[0]) == card_of(plain[0])


@LANGS
async def test_a_dialog_that_raises_is_logged_apologised_for_in_the_users_language_and_forgotten(harness, person, caplog):
    """The adapter's `on_turn_error` (bot/hosting/adapter.py), as the composition root wires it: Graph
    fails in a way the link dialog does not expect, in the turn after the sign-in card."""
    failure = RuntimeError("Graph answered something nobody expected")
    harness.sign_in(person, "token-boom", "boom@outlook.example", magic_code="246810")
    harness.directory.break_for("token-boom", failure)
    chat = harness.chat(person)

    card = await chat.say(LINK[lang(person)])
    failed = await chat.say("246810")
    again = await chat.say("246810")  # the sign-in that waited is gone with the failed turn's dialog state

    assert card[0].attachments[0].content.text == text(lang(person), "sign_in_prompt")
    assert texts(failed) == [text(lang(person), "error_apology")]
    assert failed[0].conversation.id == chat.conversation_id and not failed[0].attachments
    assert texts(again) == [text(lang(person), "unknown_intent")]
    assert harness.directory.calls == ["token-boom"]
    [logged] = [r for r in caplog.records if r.name == "bot.hosting.adapter"]
    assert (logged.levelname, logged.getMessage()) == ("ERROR", "turn failed")
    assert logged.exc_info is not None and logged.exc_info[1] is failure
    assert (logged.__dict__["activity_type"], logged.__dict__["conversation"]) == ("message", chat.conversation_id)  # the extra
