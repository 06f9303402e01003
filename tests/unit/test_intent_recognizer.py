"""The offline intent recogniser (SPEC 4.7) against labelled English and German utterances."""

from __future__ import annotations

import csv
import hashlib
from collections import Counter
from pathlib import Path

from dialogs.confirmation import CONFIRM_BELOW
from dialogs.interruptible_dialog import INTERRUPTING_SCORE
from dialogs.recognizer import CONCEPTS, INTENTS, RIVAL_SCORE, SWITCHES_OFF, SWITCHES_ON, THRESHOLD, Recognition, decide, recognize, rules
from tools.split_utterances import families

DATA = Path(__file__).resolve().parents[1] / "data" / "utterances.tsv"
TRAINING = DATA.with_name("utterances-train.tsv")
HELD_OUT = DATA.with_name("utterances-heldout.tsv")
FAMILIES = DATA.with_name("utterance-families.txt")


def _labelled(path: Path = DATA) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle, delimiter="\t", quoting=csv.QUOTE_NONE))


def _language_of(locale: str) -> str:
    return "de" if locale.lower().startswith("de") else "en"


def test_the_labelled_set_covers_every_intent_in_both_languages() -> None:
    rows = _labelled()
    assert len(rows) >= 220
    assert {row["intent"] for row in rows} == set(INTENTS)
    assert sum(row["intent"] == "none" for row in rows) >= 25
    per_language = Counter(_language_of(row["locale"]) for row in rows)
    assert 0.4 <= per_language["de"] / len(rows) <= 0.6
    for language in ("en", "de"):
        assert {r["intent"] for r in rows if _language_of(r["locale"]) == language} == set(INTENTS)


def test_the_labelled_sets_hold_2000_utterances_a_quarter_held_out_by_whole_families() -> None:
    legacy, training, held_out = _labelled(DATA), _labelled(TRAINING), _labelled(HELD_OUT)
    total = len(legacy) + len(training) + len(held_out)
    assert total >= 2000
    # About a quarter when it was frozen; families written since then (below the FROZEN line) only
    # train, so the share is counted over the first labelled set and the families written before it.
    before_freeze = {f"{intent}-{language}-{hashlib.sha256(paraphrases[0].encode()).hexdigest()[:8]}"
                     for intent, language, paraphrases, open_to_held_out in families(FAMILIES) if open_to_held_out}
    assert len(held_out) == 1038
    assert len(held_out) / (len(legacy) + sum(r["family"] in before_freeze for r in training) + len(held_out)) >= 0.24
    assert {r["family"] for r in training}.isdisjoint({r["family"] for r in held_out})
    assert {r["intent"] for r in held_out} == set(INTENTS)
    for language in ("en", "de"):
        assert {r["intent"] for r in training if _language_of(r["locale"]) == language} == set(INTENTS)
        assert 0.3 <= sum(_language_of(r["locale"]) == language for r in held_out) / len(held_out) <= 0.7


def _held_out_accuracy() -> float:
    """Accuracy on rows no pattern or word was tuned on (tools/split_utterances.py); prints the report."""
    rows = _labelled(HELD_OUT)
    confusion: Counter[tuple[str, str]] = Counter()
    hits: Counter[str] = Counter()
    per_language: Counter[str] = Counter()
    for row in rows:
        got = recognize(row["text"], row["locale"]).intent
        confusion[(row["intent"], got)] += 1
        if got == row["intent"]:
            hits[_language_of(row["locale"])] += 1
        per_language[_language_of(row["locale"])] += 1
    accuracy = sum(hits.values()) / len(rows)
    print(f"\nheld-out intent accuracy: {accuracy:.3f} on {len(rows)} utterances")
    for language in sorted(per_language):
        print(f"  {language}: {hits[language] / per_language[language]:.3f} on {per_language[language]}")
    print("recall per intent:")
    for intent in INTENTS:
        expected = sum(n for (e, _), n in confusion.items() if e == intent)
        print(f"  {intent:18} {confusion[(intent, intent)] / expected:.3f} of {expected}")
    short = {intent: intent[:6] for intent in INTENTS}
    print("confusion (rows expected, columns recognised):")
    print(" " * 19 + " ".join(f"{short[i]:>6}" for i in INTENTS))
    for expected in INTENTS:
        print(f"  {expected:17}" + " ".join(f"{confusion[(expected, got)] or '.':>6}" for got in INTENTS))
    return accuracy


def test_held_out_utterances_are_recognised_with_at_least_95_percent_accuracy() -> None:
    # 0.375 with the first recogniser, 0.769 with the first cut of this one, 0.894 with naive Bayes as
    # a fallback, 0.952 with the linear model that sees the rules' evidence, 0.956 with opt-out rules fixed,
    # 0.961 with 132 more training families and the message's length and edges as features (the model
    # deciding at any margin), 0.957 with margins of 0.25, 0.959 with a bare yes, no or number none by
    # rule and the thresholds cross-validation picks among those the tests allow, 0.967 with 398 more
    # training families, a bare no as cancel and the commands by rule, 0.964 with 173 more families,
    # 0.964 with a hidden layer instead of the linear model, 0.968 with undoing a mute as an opt-in and
    # more help, greeting and cancel words from the training folds' errors, 0.969 with "Überblick" a
    # progress word only, 0.965 with per-competency requirement questions relabelled and 70 more
    # families, 0.965 with the rules' runners-up and the concepts' order as features, 0.964 with "warte"
    # a filler and "von Silber auf Gold" a step up, 0.965 with that step kept beside "upgrade", 0.966 with
    # a German verb read with its separated particle and no opt-in overruled into an opt-out, 0.968 with
    # the last of two switch words taken as the request, 0.965 with a typo matching its nearest words only,
    # 0.977 with 697 more training families, the words their folds showed missing and single-message features dropped
    # (README).
    # The issue aims at 0.97 overall and 0.95 per language; the test fails below 0.95.
    assert _held_out_accuracy() >= 0.95


def test_labelled_utterances_are_recognised_with_at_least_95_percent_accuracy() -> None:
    rows = _labelled()
    misses: Counter[tuple[str, str]] = Counter()
    hits_by_language: Counter[str] = Counter()
    rows_by_language: Counter[str] = Counter()
    for row in rows:
        language = _language_of(row["locale"])
        rows_by_language[language] += 1
        got = recognize(row["text"], row["locale"]).intent
        if got == row["intent"]:
            hits_by_language[language] += 1
        else:
            misses[(row["intent"], got)] += 1
            print(f"  miss [{row['locale']}] expected {row['intent']}, got {got}: {row['text']!r}")
    n = len(rows)
    acc = sum(hits_by_language.values()) / n
    print(f"intent accuracy: {acc:.1%} on {n} utterances")
    for language in sorted(rows_by_language):
        print(f"  {language}: {hits_by_language[language] / rows_by_language[language]:.1%}"
              f" on {rows_by_language[language]} utterances")
    print("confusion of misses (expected -> got: count):")
    for (expected, got), count in sorted(misses.items()):
        print(f"  {expected} -> {got}: {count}")
    assert acc >= 0.95


def test_a_guess_of_the_learned_model_never_changes_anything_without_asking() -> None:
    # Whenever the model decides against the rules or where they found nothing, the score stays below
    # the confirming and interrupting scores, so "alerts off" or "cancel" is asked about first.
    decided_by_model = 0
    for row in _labelled(TRAINING) + _labelled(HELD_OUT):
        analysis = rules(row["text"], row["locale"])
        got = recognize(row["text"], row["locale"])
        if isinstance(analysis, Recognition) or got.intent == "none":
            continue
        if got.intent != analysis.intent or analysis.score < THRESHOLD:
            decided_by_model += 1
            assert got.score < min(CONFIRM_BELOW, INTERRUPTING_SCORE), row["text"]
    assert decided_by_model >= 100


def test_the_model_never_turns_an_opt_in_into_an_opt_out() -> None:
    # It may overrule an unsure opt-out ("ich bekomme keine Alerts mehr, bitte einschalten"), not an opt-in.
    assert decide("alerts_on", 0.7, "alerts_off", 5.0) == ("alerts_on", False)
    assert decide("alerts_off", 0.7, "alerts_on", 5.0) == ("alerts_on", True)
    assert decide("org_progress", 0.7, "alerts_off", 5.0) == ("alerts_off", True)


def test_the_model_sees_the_runners_up_and_the_order_of_the_concepts() -> None:
    analysis = rules("what does Silver require in Cloud Platform?", "en-US")
    assert not isinstance(analysis, Recognition)
    assert (analysis.intent, analysis.rivals[0][0]) == ("org_progress", "upgrade_options")  # REQUIRE alone
    evidence = analysis.evidence()
    assert {"r:org_progress", "s:upgrade_options", "q:LEVEL_REQUIRE", "q:REQUIRE_NAMED", "q:NAMED_>"} <= set(evidence)
    reversed_order = rules("Cloud Platform silver, what does it require", "en-US")
    assert not isinstance(reversed_order, Recognition)
    assert "q:NAMED_LEVEL" in reversed_order.evidence() and "q:REQUIRE_NAMED" not in reversed_order.evidence()
    # the first two runners-up, each only when it scores RIVAL_SCORE or more
    for text, runners_up in (("link my account and show my certifications, also our gold progress",
                              ["my_achievements", "org_progress"]),  # people, third, is left out
                             ("Sam gold risk alerts help", ["renewal_status"])):  # org_progress: below RIVAL_SCORE
        analysis = rules(text, "en-US")
        assert not isinstance(analysis, Recognition) and len(analysis.rivals) == len(runners_up) + 1, text
        assert len(runners_up) == 2 or analysis.rivals[-1][1] < RIVAL_SCORE  # left out as third, or as too weak
        assert [f[2:] for f in analysis.evidence() if f.startswith("s:") and f.count(":") == 1] == runners_up, text


def test_hallo_zusammen_is_a_greeting() -> None:
    assert recognize("Hallo zusammen", "de-DE").intent == "greeting"
    assert recognize("Hallo zusammen!").intent == "greeting"  # no locale: the words say German


def test_regional_greetings_thanks_and_goodbyes_are_greetings_and_brush_offs_cancel() -> None:
    # The rules know these (words added from the training folds' errors), so they decide at 0.85–0.9.
    for text, locale, intent in (("Griaß di", "de-AT", "greeting"), ("Hoi zäme", "de-CH", "greeting"),
                                 ("Schönes Wochenende", "de-DE", "greeting"), ("appreciate it", "en-US", "greeting"),
                                 ("cya", "en-US", "greeting"), ("disregard", "en-US", "cancel"),
                                 ("ignore my last message", "en-US", "cancel"), ("genug davon", "de-DE", "cancel"),
                                 ("das reicht fürs Erste", "de-DE", "cancel")):
        analysis = rules(text, locale)
        assert not isinstance(analysis, Recognition) and analysis.intent == intent, text
        assert recognize(text, locale).intent == intent, text


def test_a_leading_mention_is_ignored() -> None:
    plain = recognize("what's our gold progress")
    mentioned = recognize("<at>Competency Bot</at> what's our gold progress")
    assert (mentioned.intent, mentioned.level) == (plain.intent, plain.level) == ("org_progress", "gold")
    assert recognize("@CompetencyBot status").intent == "org_progress"
    # Words inside the mention never count, even when they look like an intent.
    assert recognize("<at>Help Bot</at> link my MSA").intent == "link_msa"
    assert recognize("@StopBot my achievements").intent == "my_achievements"
    assert recognize("<at>Competency Bot</at>").intent == "none"


def test_level_words_are_entities_not_intents() -> None:
    cases = {
        "what's our Gold progress?": ("org_progress", "gold"),
        "how do we upgrade to Gold?": ("upgrade_options", "gold"),
        "will we keep gold": ("renewal_status", "gold"),
        "Wie weit sind wir bei Silber?": ("org_progress", "silver"),
        "Was fehlt uns noch zu Silber": ("upgrade_options", "silver"),
        "Verlieren wir Silber?": ("renewal_status", "silver"),
        "link my MSA": ("link_msa", None),
        # A level word next to unrelated words does not make a competency question...
        "gold price today": ("none", "gold"),
        "Goldene Hochzeit": ("none", "gold"),
        # ...but alone it is read as a progress question (documented product choice).
        "Gold": ("org_progress", "gold"),
        "Silber?": ("org_progress", "silver"),
    }
    for text, expected in cases.items():
        got = recognize(text)
        assert (got.intent, got.level) == expected, text


def test_german_umlauts_may_be_transliterated() -> None:
    pairs = [
        ("Verlängerung gefährdet?", "Verlaengerung gefaehrdet?", "renewal_status"),
        ("MSA verknüpfen", "MSA verknuepfen", "link_msa"),
        ("Was fehlt für Gold?", "Was fehlt fuer Gold?", "upgrade_options"),
        ("Hör auf mit den Warnungen", "Hoer auf mit den Warnungen", "alerts_off"),
        ("meine Prüfungen", "meine Pruefungen", "my_achievements"),
    ]
    for with_umlauts, transliterated, intent in pairs:
        assert recognize(with_umlauts, "de-DE") == recognize(transliterated, "de-DE")
        assert recognize(transliterated, "de-DE").intent == intent


def test_typos_word_order_case_and_punctuation_are_tolerated() -> None:
    cases = {
        "my acheivements": "my_achievements",
        "Gold progres": "org_progress",
        "Verlängerng gefährdet": "renewal_status",
        "upgarde options": "upgrade_options",
        "my msa, link it": "link_msa",
        "PROGRESS GOLD!!!": "org_progress",
        "hlife": "help",
    }
    for text, intent in cases.items():
        assert recognize(text).intent == intent, text


def test_stop_alone_cancels_but_stop_alerts_mutes() -> None:
    for text in ("stop", "Stop!", "Stopp", "stop it"):
        assert recognize(text).intent == "cancel", text
    for text in ("stop alerts", "stop warnings", "Stopp Benachrichtigungen", "stop sending me warnings"):
        assert recognize(text).intent == "alerts_off", text


def test_an_opt_out_with_a_negation_is_never_read_as_an_opt_in_by_the_rules() -> None:
    # The rules decide alone at 0.9 and above, so an opt-out they read as an opt-in cannot be corrected.
    for text in ("never alert me again", "nie wieder Benachrichtigungen", "kein Alert mehr",
                 "Hören Sie auf, mich zu benachrichtigen", "hört auf mich zu warnen", "keinerlei Hinweise mehr",
                 "switch the warnings off again", "Hinweise wieder abschalten", "fewer reminders, please",
                 "Ich verzichte auf Erinnerungen", "stop informing me about renewals"):
        analysis = rules(text)
        assert not isinstance(analysis, Recognition)
        assert analysis.intent == "alerts_off", text
        assert recognize(text).intent == "alerts_off", text
    for text in ("turn the alerts back on", "Alerts wieder einschalten", "notify me when certs expire",
                 "please activate the warnings", "Hinweise wieder anstellen"):
        assert recognize(text).intent == "alerts_on", text


def test_undoing_a_mute_is_an_opt_in_whatever_off_words_it_holds() -> None:
    # "stumm", "paused", "stop" inside the request must not outvote what it asks: the alerts back on.
    for text in ("Hinweise nicht mehr stumm schalten", "Alerts nicht mehr stumm", "resume the paused alerts",
                 "un-pause my notifications", "don't stop sending me alerts", "restart the alerts",
                 "Benachrichtigungen reaktivieren", "Alerts weiter schicken", "Mute für die Alerts aufheben"):
        analysis = rules(text)
        assert not isinstance(analysis, Recognition)
        assert analysis.intent == "alerts_on", text
        assert recognize(text).intent == "alerts_on", text


def test_where_alerts_are_said_to_be_off_and_then_switched_on_the_request_is_the_switch_on() -> None:
    for text, locale in (("Die Benachrichtigungen waren aus, mach sie bitte an", "de-DE"),
                         ("Meine Benachrichtigungen kommen nicht mehr, bitte aktivieren", "de-DE"),
                         ("Seit Wochen keine Alerts, schalte sie ein", "de-DE"),
                         ("I get no alerts anymore, please enable them", "en-US")):
        analysis = rules(text, locale)
        assert not isinstance(analysis, Recognition) and analysis.intent == "alerts_on", text
    # the other way round, and a bare "on" that is a preposition, still switch off
    for text, locale in (("Die Alerts waren an, mach sie aus", "de-DE"), ("stop the alerts on weekends", "en-US"),
                         ("keine Alerts mehr bitte", "de-DE"), ("turn alerts off again", "en-US")):
        analysis = rules(text, locale)
        assert not isinstance(analysis, Recognition) and analysis.intent == "alerts_off", text


def test_a_typo_of_an_opt_out_is_no_opt_in() -> None:
    # "deaktiviieren" is two letters from "reaktivieren" but one from "deaktivieren": only the nearer counts
    for text, locale in (("Könnten Sie die Benachrichtigungen für mich deaktiviieren?", "de-DE"),
                         ("deacctivate notifications", "en-US"), ("Keine weiteren Alerts", "de-DE")):
        analysis = rules(text, locale)
        assert not isinstance(analysis, Recognition) and analysis.intent == "alerts_off", text
        assert "RESUME" not in analysis.concepts and "ON" not in analysis.concepts, text


def test_blocking_the_alerts_switches_them_off_and_unblocking_or_undoing_an_opt_out_on() -> None:
    # words the sixth round of training families used and the rules lacked
    for text, locale in (("block your alerts", "en-US"), ("Alerts auf Eis legen", "de-DE"),
                         ("Ich möchte von den Alerts verschont bleiben", "de-DE"),
                         ("I'd like to be deregistered from the renewal alerts", "en-US")):
        analysis = rules(text, locale)
        assert not isinstance(analysis, Recognition) and analysis.intent == "alerts_off", text
    for text, locale in (("unblock the alerts", "en-US"), ("Alerts entsperren", "de-DE"),
                         ("cancel my opt-out", "en-US"), ("Opt-out zurücknehmen", "de-DE"),
                         ("include me in the renewal warnings", "en-US"),
                         ("Alerts nicht mehr auf Eis", "de-DE")):  # no longer on ice: on, as "nicht mehr stumm"
        analysis = rules(text, locale)
        assert not isinstance(analysis, Recognition) and analysis.intent == "alerts_on", text


def test_season_greetings_and_goodbyes_are_greetings() -> None:
    for text, locale in (("Frohes neues Jahr!", "de-DE"), ("Guten Rutsch", "de-DE"), ("Mahlzeit!", "de-DE"),
                         ("good night", "en-US"), ("happy new year!", "en-US"), ("merry Christmas", "en-US")):
        analysis = rules(text, locale)
        assert not isinstance(analysis, Recognition) and analysis.intent == "greeting", text


def test_the_switch_words_are_words_of_the_alert_concepts() -> None:
    # a token matches only vocabulary words: a switch word missing from the concepts would never be seen
    def words(*concepts: str) -> set[str]:
        return {w for c in concepts for text in CONCEPTS[c] for w in text.split() if "_" not in w}
    assert SWITCHES_ON - words("ON", "RESUME", "OPTIN") == set()
    assert SWITCHES_OFF - words("OFF", "AUS", "OPTOUT") == set()


def test_asking_where_to_start_is_help() -> None:
    for text, locale in (("I'm stuck", "en-US"), ("explain the basics to me", "en-US"), ("is there a FAQ", "en-US"),
                         ("walk me through it", "en-US"), ("Schnellstart", "de-DE"), ("Wie geht's jetzt weiter?", "de-DE"),
                         ("Gibt es eine Befehlsliste?", "de-DE"), ("Ich blicke nicht durch", "de-DE")):
        analysis = rules(text, locale)
        assert not isinstance(analysis, Recognition) and analysis.intent == "help", text  # the rules know these words
        assert recognize(text, locale).intent == "help", text


def test_a_german_verb_reads_as_one_word_with_its_particle_at_the_end_of_the_clause() -> None:
    # "fange … an" is "anfangen", "melde … ab" "abmelden": the particle goes to the end of the clause
    for text, intent, score in (("Wo fange ich an?", "help", 0.9), ("Ich melde mich von den Warnungen ab", "alerts_off", 0.9),
                                ("Schalt die Warnungen bitte wieder ein", "alerts_on", 1.0), ("Stell die Hinweise ab", "alerts_off", 1.0)):
        analysis = rules(text, "de-DE")
        assert not isinstance(analysis, Recognition), text
        assert analysis.intent == intent and analysis.score >= score, (text, analysis.intent, analysis.score)
    # before an article it is a preposition: "Stell die Frage an den Bot" does not switch anything on
    asked = rules("Stell die Frage an den Bot", "de-DE")
    assert not isinstance(asked, Recognition) and asked.sequence == ("ASK", "ON", "YOU")
    # in English "on" is not a German particle
    english = rules("wo fange ich an", "en-US")
    assert not isinstance(english, Recognition) and english.intent != "help"


def test_a_question_about_the_bot_worded_with_notify_words_is_help() -> None:
    for text in ("let me know what you are able to do", "please inform me what you can do", "notify me: what can you do?"):
        assert recognize(text).intent == "help", text


def test_membership_at_risk_or_safe_asks_about_the_renewal() -> None:
    # SPEC section 1: whether the membership is at risk is the renewal question.
    for text in ("is our partnership at risk", "Ist unsere Partnerschaft in Gefahr?", "is our membership safe"):
        assert recognize(text).intent == "renewal_status", text
    assert recognize("what's our membership level").intent == "membership_status"


def test_from_silver_to_gold_is_a_step_up_while_silver_or_gold_asks_the_level() -> None:
    for text, locale in (("von Silber auf Gold", "de-DE"), ("Wir sind Silber, wie werden wir Gold?", "de-DE"),
                         ("how do we go from silver to gold", "en-US")):
        analysis = rules(text, locale)
        assert not isinstance(analysis, Recognition) and analysis.intent == "upgrade_options", text
    upgrade = rules("upgrade from silver to gold", "en-US")  # the word "upgrade" stays explained beside the step
    assert not isinstance(upgrade, Recognition) and (upgrade.intent, upgrade.score) == ("upgrade_options", 1.0)
    for text, locale in (("are we silver or gold", "en-US"), ("Sind wir Silber- oder Gold-Partner?", "de-DE")):
        analysis = rules(text, locale)
        assert not isinstance(analysis, Recognition) and analysis.intent == "membership_status", text


def test_waiting_is_no_word_for_alerts() -> None:
    # "warte" is one letter from "warne" (warn me): as a typo it read "warte mal" as an opt-in
    for text, intent in (("warte mal", "none"), ("warte, stopp", "cancel"), ("Moment, abbrechen bitte", "cancel"),
                         ("wait, stop", "cancel")):
        analysis = rules(text, "en-US" if text.startswith("wait") else "de-DE")
        assert not isinstance(analysis, Recognition) and analysis.intent == intent, text


def test_unrelated_text_is_none() -> None:
    for text in ("what's the weather", "tell me a joke", "asdfgh", "who won the match", "gold price today",
                 "link to the website", "Link zur Webseite", "Wie ist das Wetter?", "Silberpreis",
                 "what's the risk of rain", "I lost my password"):
        assert recognize(text).intent == "none", text


def test_empty_text_is_none() -> None:
    for text in ("", "   ", "?!", "<at>Competency Bot</at>"):
        assert recognize(text) == Recognition("none", 1.0, None, "en")
    assert recognize("", "de-DE").language == "de"


def test_locale_decides_language_else_words_do() -> None:
    assert recognize("status", "de-DE").language == "de"
    assert recognize("Status", "de-AT").language == "de"
    assert recognize("MSA verknüpfen", "en-US").language == "en"
    assert recognize("Wie ist unser Gold-Fortschritt?", "fr-FR").language == "en"  # not de* → English
    assert recognize("Wie ist unser Gold-Fortschritt?").language == "de"
    assert recognize("MSA verknuepfen").language == "de"
    assert recognize("Benachrichtigungen aus").language == "de"
    assert recognize("what's our gold progress").language == "en"
    assert recognize("alerts off").language == "en"


def test_scores_are_confidences_and_recognition_is_deterministic() -> None:
    for row in _labelled():
        first = recognize(row["text"], row["locale"])
        assert 0.0 <= first.score <= 1.0
        assert first.intent in INTENTS
        assert recognize(row["text"], row["locale"]) == first
