"""Offline intent recogniser for English and German (SPEC 4.7), pure standard library.

How it decides, in five steps:

1. Tokens: Teams mentions are dropped, text is folded (case, umlauts, accents) and split into words
   (``words_as_written`` keeps each word as written beside it, for a person's name). Level words
   ("gold", "silber", "Silbeer", …) become the ``level`` entity; "the Gold level" is one level.
2. Entities (``dialogs.entities``): the active catalog's competencies and credentials, found by name,
   alias, short form or code in any spacing; a person's name from the words the bot does not know,
   next to a word that introduces one ("what if Sam…", "wer ist Anna"). Entity words are explained for
   every intent, so an entity never lowers a score.
3. Concepts: every other token is looked up in a bilingual vocabulary: exactly, by its word form
   (``dialogs.word_forms``: "verknüpft", "Zertifizierungen", "aufzusteigen"), then within a small typo
   budget, and German words also inside a compound ("Fortschrittsbericht"). Each *concept* (LINK, MSA,
   ALERTS, OFF, MY, OUR, …) gets the best similarity of its words; phrases ("never mind", "hör auf")
   match consecutive tokens. A German verb and its particle at the end of the clause read as one verb
   ("schalte sie wieder ein" as "einschalten", "wo fange ich an" as "anfangen").
4. Patterns: an intent has patterns, each a weight, the concepts it *needs* and those it *avoids*
   ("my_achievements" needs MY and ACHIEVE; without MY it avoids OUR, so "our certifications" are the
   organisation's). A pattern scores ``weight × mean(similarity of its concepts)`` times a coverage
   factor ``1 - strictness × unexplained / relevant`` (×0.75 when an avoided concept occurs). Content
   words are all words except fillers ("the", "bitte", …); a word is explained when it belongs to a
   concept of that intent (its optional concepts included), to an entity, or to MY/OUR. Hence "stop"
   alone → cancel, but in "stop alerts" the pattern ALERTS+OFF explains both words and wins.
5. The best pattern wins (ties: order of INTENTS). Below ``OVERRULE_BELOW`` (0.95) the learned model
   (``dialogs.intent_model``, which also sees the concepts and the best pattern) decides (``decide``):
   its answers score 0.5–0.65; below THRESHOLD without its guess the answer is ``none``. Product choice: a level word on its own ("Gold", "Silber?") is read as ``org_progress``
   through a strict, low-weight pattern, so "gold price today" or "Goldene Hochzeit" stay ``none``.

The score is the winning pattern's score in 0..1; for ``none`` it is ``1 - best score``. Guesses that
could end a running dialog from thin evidence (a bare "no", a question about the bot, the fallback)
score below the interrupting score (0.7).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from itertools import pairwise
from typing import NamedTuple

from dialogs.entities import EntityLexicon, bundled_catalog, lexicon_for
from dialogs.intent_model import MIN_MARGIN, OVERRULE_BELOW, OVERRULE_MARGIN, OVERRULE_TO_NONE, trained_model
from dialogs.text_normalization import MAX_FUZZY_LENGTH, FuzzyLexicon, fold, strip_mentions
from dialogs.word_forms import SEPARABLE
from dialogs.yes_no import NO, YES
from services.domain.catalog import Level

INTENTS = (
    "link_msa", "my_achievements", "org_progress", "upgrade_options", "renewal_status",
    "alerts_on", "alerts_off", "help", "cancel", "none",
    "membership_status", "people", "expiring", "what_if", "specializations", "designations", "greeting",
)
THRESHOLD = 0.5


@dataclass(frozen=True)
class Recognition:
    intent: str  # one of INTENTS
    score: float  # 0..1 confidence
    level: Level | None  # when a level word occurs
    language: str  # "de" or "en"
    competency: str | None = None  # a catalog competency id
    credential: str | None = None  # a catalog credential code
    person: str | None = None  # a person's name as written ("Sam", "Anna Schmidt")


# Vocabulary: concept → (English words, German words). "a_b" is a phrase of consecutive words.
# Inflected forms need not be listed: a word matches its forms through light stemming (word_forms).
CONCEPTS: dict[str, tuple[str, str]] = {
    "LINK": ("link linked linking connect connected connecting add register attach hook_up sign_in relink "
             "signin log_in login sign_in_card pair",
             "verknuepfen verknuepfe verknuepft verbinden verbinde verbindet verlinken verlinke "
             "hinzufuegen koppeln registrieren anmelden anmeldung anmeldekarte einloggen anbinden"),
    "MSA": ("msa msas account accounts acct profile", "msa konto konten microsoftkonto profil"),
    "ACHIEVE": ("achievements achievement achieved certifications certification certificates "
                "certificate certs cert certified exams exam assessments assessment badges credentials "
                "qualifications partner_university transcript",
                "zertifizierungen zertifizierung zertifikate zertifikat zertifikaten erfolge erfolg "
                "pruefungen pruefung abschluesse abschluss errungenschaften qualifikationen zertifiziert"),
    "HAVE": ("hold holds own owns earned got has have possess", "habe hab besitze hat haben besitzt halten "
             "besitzen verfuegt verfuegen"),
    "COUNT": ("count counts counting valid", "zaehlen zaehlt gueltig anrechnen angerechnet"),
    "EXPIRE": ("expire expires expiring expiry expired expiration expirations expiries lapse run_out runs_out "
               "running_out", "ablaufen abgelaufen ablauf ablaeufe ablaeuft verfallen verfaellt auslaufen laufen_aus "
               "laeuft_aus"),
    "RECERT": ("recertify recertification recertifications renew_their renew_certs", "neu_zertifizieren rezertifizieren "
               "rezertifizierung zertifikate_erneuern erneuern"),
    "RUN": ("", "laeuft laufen"),
    "AB": ("", "ab"),
    "SOON": ("soon upcoming next_month next_months next_quarter shortly", "bald demnaechst kuerze naechsten"),
    "WHEN": ("when date until how_long", "wann datum bis_wann wie_lange"),
    "UNTIL": ("until_when", "bis_wann"),
    "SHOWN": ("shown show shows appear appears displayed", "angezeigt zeigt sieht_man stehen steht"),
    "PROGRESS": ("progress status far close doing we_stand standing overview dashboard looking look on_track "
                 "tracking summary state where_are_we where_things_stand do_we_meet getting_on get_on met have_we_reached percent percentage performance scorecard numbers "
                 "metrics kpis green on_target overall",
                 "fortschritt fortschritte status stand stehen steht weit nah nahe entfernt uebersicht laeuft "
                 "sieht aussehen kurs auf_kurs zusammenfassung voran zwischenstand lage ueberblick bilanz "
                 "erfuellen erfuellt wo_stehen prozent kennzahlen zustand insgesamt machen_wir_uns erfuellungsgrad gruenen_bereich im_plan"),
    "REPORT": ("report going effort", "bericht"),
    "STATUS": ("status", "status partnerstatus"),
    "COMPETENCY": ("competency competencies competence", "kompetenz kompetenzen"),
    "MEMBERSHIP": ("membership partnership partner_level tier level partner partner_status listed_as our_profile "
                   "partner_center partner_type what_kind_of_partner valid_until are_we_listed", "mitgliedschaft partnerschaft stufe partnerstatus partnerstufe "
                   "unserem_profil unser_profil partnermitgliedschaft partner mitgliedsstufe mitgliedsstatus "
                   "partnerlevel partnertyp gueltig_bis laufzeit wir_gelistet"),
    "UPGRADE": ("upgrade upgrading next_level steps roadmap improve advance move_up level_up",
                "upgrade upgraden aufstieg aufsteigen steigen hochstufen weiterkommen schritte verbessern naechste_stufe"),
    "MISSING": ("missing lacking lack gap gaps left short shortfall have_to_do still_to_do still_have_to how_many_more "
                "how_much_more must_happen between_us stands_between blocking blocks holding_us_back still_have_to_meet",
                "fehlt fehlen fehlend luecke muss_passieren trennt_uns haelt_uns noch_erfuellen noch_tun was_muessen_wir was_muessten_wir wie_viele_mehr wie_viel_mehr"),
    "REQUIRE": ("need needed require requires required requirements requirement take takes",
                "brauchen benoetigen noetig anforderungen anforderung voraussetzungen verlangt braucht "
                "braeuchten braeuchte benoetigt muesste muessten"),
    "REACH": ("reach get getting become bring get_to move_up go_for move_toward move_towards head_for", "erreichen kommen schaffen bekommen werden bringen"),
    "OPTIONS": ("options option ways path", "optionen option moeglichkeiten wege weg"),
    "CLOSEST": ("closest nearest fastest quickest easiest nearly_there almost_there over_the_line",
                "am_naechsten schnellsten einfachste am_einfachsten knapp"),
    "RENEWAL": ("renewal renew renewing", "verlaengerung verlaengern erneuerung"),
    "ANNIVERSARY": ("anniversary", "jahrestag"),
    "COST": ("cost costs", "kosten"),
    "KEEP": ("keep retain stay remain still_be still_have still_qualify", "behalten bleiben bleibt noch_sein"),
    "LOSE": ("lose losing lost drop cost_us", "verlieren verlust verloren uns_kosten kosten_uns"),
    "RISK": ("risk risks risky danger endangered jeopardy threaten threatens threat threats go_wrong problems",
             "risiko risiken gefaehrdet gefahr bedroht bedrohen schief probleme"),
    "SAFE": ("safe secure be_fine be_ok", "sicher gut_aufgestellt"),
    "ALERTS": ("alerts alert warnings warning notifications notification notify messages pings pinging "
               "reminders pushes",
               "benachrichtigungen benachrichtigung warnungen warnung alerts hinweise meldungen nachrichten "
               "erinnerungen mitteilungen"),
    "OFF": ("off mute disable stop pause silence unsubscribe no no_more quiet anymore dont enough "
            "leave_me_alone spam fewer less reduce never_again deactivate turn_off switch_off pause paused quit_sending stop_sending kill "
            "block deregister deregistered spare_me no_need_to_keep",
            "aus ausschalten abschalten deaktivieren stummschalten stumm abbestellen abstellen "
            "stopp keine kein keinerlei nicht_mehr nie_wieder niemals_wieder weniger reduzieren verzichte_auf hoer_auf hoert_auf hoeren_sie_auf hoer_bitte_auf aufhoeren ausmachen ruhe genug nerven nervt deaktiviere ausstellen pausieren "
            "auf_eis verschont verschonen absehen"),
    "AUS": ("", "aus"),
    "OPTOUT": ("unsubscribe opt_out optout mute", "abbestellen abmelden austragen stummschalten stumm_schalten"),
    "OPTIN": ("unmute opt_in subscribe sign_me_up undo_my_opt_out cancel_my_opt_out", "abonnieren anmelden "
              "opt_out_zuruecknehmen"),
    "ON": ("on enable unmute resume subscribe start again back activate reactivate receive",
           "an einschalten anschalten anstellen aktivieren reaktivieren wieder anmachen erhalten"),
    "RESUME": ("resume resumed unmute unpause reenable re_enable reactivate turn_back_on switch_back_on "
               "no_longer_mute no_longer_muted stop_muting lift_the_mute restart unsnooze un_pause un_mute continue "
               "keep_sending keep_receiving keep_getting dont_stop dont_turn_off dont_switch_off dont_mute "
               "no_more_muting undo_that unblock unblocked include_me add_me",
               "nicht_mehr_stumm nicht_mehr_stummschalten nicht_mehr_auf_eis stummschaltung_aufheben stumm_aufheben mute_aufheben "
               "aufheben reaktivieren wieder_einschalten wieder_aktivieren wieder_anschalten entstummen "
               "fortsetzen weiterhin weiter_schicken weiter_senden schick_mir_weiter rueckgaengig entsperren entsperre "
               "freischalten"),
    "NOTIFY": ("notify_me let_me_know letting_me_know telling_me informing_me tell_me_when tell_me_if warn_me alert_me inform_me keep_me_posted "
               "keep_me_informed keep_me_updated ping_me message_me send_me_a_message notifying in_the_loop "
               "heads_up notified informed",
               "benachrichtige benachrichtigen informiere informieren warne sag_mir_bescheid "
               "gib_mir_bescheid halte_mich melde_dich melde_mir schick_mir_eine_nachricht informiert "
               "benachrichtigt auf_dem_laufenden bescheid_geben bescheid_sagen bescheid sag_mir_wenn sag_mir_falls"),
    "TELL_ABOUT": ("tell_me_about", "erzaehl_mir_von"),
    "HELP": ("help possible_here help_menu my_options getting_started where_do_i_start instructions guide tutorial manual "
             "who_are_you what_are_you what_do_you_know what_do_you_support whats_possible what_do_you_offer "
             "do_you_understand what_can_one_do supposed_to_do this_thing_work how_should_i_start what_are_you_for "
             "your_functions functions operate need_support need_some_support first_steps what_to_ask i_can_ask "
             "can_i_ask get_started begin dont_get_it what_now how_does_it_work usage talk_to_you hint hints tips "
             "commands what_can_you_do how_does_this_work what_can_i_ask what_do_you_do "
             "able_to_do how_do_i_use what_you_can_do what_are_you_able features capabilities "
             "what_can_i_do what_do_i_ask what_is_this whats_this bot_for explain_what what_you_do questions "
             "answer use_this examples what_to_type how_to_use im_new bot_do im_lost i_am_lost im_stuck i_am_stuck "
             "basics intro introduction documentation docs readme read_me faq faqs how_to howto show_me_around "
             "quickstart quick_start onboarding orientation walkthrough cant_figure confusing help_page "
             "need_a_hand give_me_a_hand about_yourself hlp halp walk_me_through dont_know_what_to_do command_list "
             "user_guide confused quick_tour give_me_a_tour get_going kick_things_off who_am_i_talking_to",
             "hilfe was_geht_hier meine_moeglichkeiten hilfemenue anleitung handbuch wer_bist_du was_bist_du womit_faengt wie_fange_ich_an "
             "was_weisst_du was_moeglich_ist was_bietest_du verstehst_du was_kann_man was_mache_ich_hier "
             "wie_geht_das anfangen beginnen verstehe_das_nicht und_jetzt bedienung benutzung rede_ich_mit_dir tipp "
             "tipps hinweis ich_fragen_kann wozu_bist_du bedienen bediene brauche_unterstuetzung erste_schritte keine_ahnung "
             "hilf befehle was_kannst_du wie_funktioniert_das was_kann_ich was_kann_der_bot "
             "was_du_kannst was_koennen_sie was_sie_koennen funktionen was_ist_das_hier erklaerst_du "
             "was_du_machst beantwortest benutze benutzen nutze beispiele schreiben_soll nicht_weiter wofuer_ist "
             "ich_bin_neu bot_tun fragen_stellen aufgeschmissen einstieg schnellstart befehlsliste orientierung "
             "einfuehrung dokumentation doku faq grundlagen behilflich zurechtfinden tutorial "
             "wie_gehts_weiter wie_gehts_jetzt_weiter wie_geht_es_weiter wie_geht_es_jetzt_weiter "
             "was_muss_ich_schreiben was_soll_ich_schreiben was_soll_ich_ihnen_schreiben verwirrt blicke_nicht_durch "
             "blick_nicht_durch check_das_nicht checke_das_nicht komm_damit_nicht_klar komme_damit_nicht_klar "
             "aufgaben_uebernehmen haenge_fest haeng_fest stecke_fest steck_fest komme_nicht_weiter lege_ich_los "
             "bin_verloren voellig_verloren beispielgespraech"),
    "ASK": ("ask need", "fragen brauche"),
    "YOU": ("you your yourself bot", "du dich dir dein deine bot"),
    "ABOUT_BOT": ("can do does work works function use type start understand", "kann kannst machst tust "
                  "funktionierst funktioniert nutzen benutzen bedienen tippen eingeben anfangen verstehst"),
    "CANCEL": ("cancel stop abort quit exit never_mind nevermind forget nvm skip halt undo drop_it "
               "doesnt_matter forget_that scratch_that ignore_that no_need get_me_out thats_all thats_it im_done "
               "rather_not please_dont not_now maybe_later end_this leave_it nah give_up exit_this leave_this "
               "dont_continue not_interested ill_pass not_needed let_me_out drop_this disregard ignore_my_last_message "
               "some_other_time didnt_mean_that i_found_it bail_out call_it_off discontinue erase_my_last "
               "leave_it_unfinished",
               "abbrechen abbruch stopp beenden vergiss lass_gut_sein lass_es egal schluss ueberspringen "
               "aufhoeren doch_nicht lass_mal passt_schon zurueck ende halt schon_gut nicht_noetig ignorieren "
               "lassen_wir_das brich_ab vergessen beende das_wars fertig bitte_nicht lieber_nicht nicht_jetzt "
               "vielleicht_spaeter nee gebe_auf aufgeben raus_hier raus dialog_verlassen nicht_weitermachen "
               "kein_interesse verzichte brauch_ich_nicht lass_mich_raus genug_davon dann_eben_nicht falsch_geklickt "
               "belassen_wir_es_dabei brich_das_ab das_reicht_fuers_erste mir_reichts reicht_mir streichen "
               "aussteigen steig_aus abblasen"),
    "DIALOG": ("dialog conversation step continue thing whole everything", "dialog unterhaltung gespraech schritt "
               "weitermachen sache ganze alles"),
    "NO": ("no nope not dont never changed_my_mind", "nein nicht nie niemals anders_ueberlegt"),
    "LATER": ("not_now mistake by_mistake accident oops", "nicht_jetzt versehen aus_versehen fehler hoppla"),
    "LATER_WORD": ("later", "spaeter"),
    "MY": ("my mine i ive from_me", "mein meine meinen meinem meiner meines ich bei_mir von_mir"),
    "OUR": ("our ours we us", "unser unsere unseren unserem unserer wir uns"),
    "WHO": ("who whom whose whos", "wer wem wen wessen"),
    "ORG": ("company organisation organization team firm", "firma unternehmen organisation team"),
    "HOW_MANY": ("how_many number_of count_of", "wie_viele anzahl zahl_der"),
    "EVERYONE": ("all everyone everybody", "alle jeder jede allen"),
    "SHOULD": ("should ought", "sollte sollten soll"),
    "PEOPLE": ("people persons person staff employees employee colleagues colleague team_members "
               "individuals engineers consultants holders holder someone anyone somebody anybody nobody names experts "
               "who_else personnel workforce others other_people",
               "leute personen mitarbeiter mitarbeitende kollegen kolleginnen jemand jemanden niemand inhaber "
               "belegschaft namen experten traeger wer_alles teammitglieder andere"),
    "SLACK": ("slack reserve buffer depend_on depends_on rest_on rests_on rely_on carry carries carrying single "
              "afford_to_lose exactly_the behind", "steckt_hinter genau_die_noetige reserve puffer haengen_an haengt_an verlassen_wir traegt einzelnen "
              "verzichten"),
    "WHATIF": ("what_if what_happens_if what_happens_when what_would_happen suppose supposing imagine hypothetically lets_say say_that "
               "scenario",
               "was_waere_wenn was_wenn was_passiert_wenn angenommen was_falls und_falls und_wenn szenario passieren_wenn "
               "passiert_wenn wuerde_passieren"),
    "LEAVES": ("leaves leave left quits quit resigns resign departs goes fired laid_off",
               "geht gehen verlaesst verlassen kuendigt kuendigen ausscheidet scheidet weggeht gegangen ginge"),
    "EARNS": ("earns earn passes pass passed gets obtains achieves completes", "besteht bestehen bestanden erwirbt macht "
              "erreicht schafft"),
    "SPECIAL": ("specialization specializations specialisation specialisations advanced_specialization",
                "spezialisierung spezialisierungen"),
    "DESIGN": ("designation designations solutions_partner partner_capability modern_work per_track each_track "
               "enterprise_track smb_track", "designation designationen bezeichnung solutions_partner je_track pro_track"),
    "SCORE": ("score points point", "punkte punktzahl punktestand score"),
    "BREAKDOWN": ("breakdown calculated makes_up made_up", "berechnet zusammen setzen"),
    "GREET": ("hello hi hey hiya howdy good_morning good_afternoon good_evening thanks thank_you thx ty "
              "cheers great awesome bye goodbye appreciate appreciate_it cya see_ya see_you catch_you_later gm "
              "wonderful have_a_good_weekend have_a_nice_evening good_night goodnight happy_new_year merry_christmas "
              "happy_holidays greetings ta ciao adios have_a_nice_day enjoy_your_day enjoy_the_rest_of_your_day",
              "hallo moin servus gruezi guten_morgen guten_tag guten_abend danke dankeschoen vielen_dank "
              "tschuess super prima gruess gruess_dich gruss gruess_gott griass_di gude hoi hoi_zaeme moinsen "
              "klasse schoenen_abend schoenes_wochenende vielen_lieben_dank bis_spaeter bis_dann gute_nacht "
              "frohes_neues_jahr guten_rutsch frohe_weihnachten frohe_ostern mahlzeit adieu ciao tschau pfiat_di "
              "merci schoenen_tag_noch schoenen_wochenstart"),
    "POLITE": ("again there very much lot a_lot many perfect that_helps helps helped everyone all how_are_you "
               "nice_day have_a so_much good_day good fine",
               "zusammen herzlichen perfekt das_hilft hilft dir euch allen wie_gehts wie_geht_es schoen "
               "schoenen_tag gut passt hilft_mir_weiter"),
}

# Words that neither help nor hurt: they are not "content" when measuring coverage.
FILLERS: tuple[str, str] = (
    "a an the to of for on in at by from with about and or so is are am be was were will would can "
    "could do does did have has had i me my mine we us our ours you your it its this that these those "
    "what whats which who whos how hows where wheres when why please pls plz show list tell give see "
    "check let lets any anything some just now still currently current org organisation organization "
    "company team microsoft ms bot hi hello hey want like another new toward towards there all much s "
    "yet already ok okay right really our im ive know so_far next year years month months quarter week "
    "weeks day days today tomorrow someone anything something before after just recently would wait",
    "der die das den dem des ein eine einer einen einem ist sind war wird werden ich mir mich mein "
    "meine meinen meinem meiner meines wir uns unser unsere unseren unserem unserer du dich dir es was "
    "wie wo wer wann welche welcher welches bitte zeig zeige zeigen anzeigen liste und oder mit von zu "
    "zum zur fuer bei beim am im in an auf um noch jetzt aktuell schon mal doch denn da hier "
    "organisation firma unternehmen team microsoft alles neues neue neuen weiteres hallo hey moechte "
    "sie ihr ihnen ihre koennen koennten sagen bisher naechsten naechstem naechstes jahr monat quartal woche "
    "tage tag heute morgen dieses diesem etwas irgendwas gib einfach woraus worauf woran wozu womit weshalb "
    "warum wieso vor nach gerade kuerzlich neulich wuerde wuerden warte warten wart moment "
    "waere haette",
)

LEVELS: dict[str, Level] = {
    **{w: "gold" for w in "gold golden goldene goldenen goldener goldenes".split()},
    **{w: "silver" for w in "silver silber silbern silberne silbernen silberner silbernes".split()},
}


_FILLER_WORDS = frozenset(" ".join(FILLERS).split())


class Pattern(NamedTuple):
    weight: float
    needs: tuple[str, ...]  # concepts that must all occur; "A|B" means either
    strictness: float = 0.75  # how much unexplained content words lower the score (1.0: strict)
    avoid: tuple[str, ...] = ()  # concepts whose presence (×0.75) says the question is another one


# Entity pseudo-concepts, set from the message rather than the vocabulary: LEVEL, NAMED (a competency),
# CREDENTIAL (a catalog credential or an exam code), PERSON, SPECIAL_NAME, DESIGN_NAME.
PATTERNS: dict[str, tuple[Pattern, ...]] = {
    "link_msa": (Pattern(1.1, ("LINK", "MSA")), Pattern(0.7, ("MSA",), 1.0)),
    "my_achievements": (Pattern(1.0, ("MY", "ACHIEVE|CREDENTIAL")), Pattern(0.9, ("ACHIEVE",), 0.75, ("OUR", "ORG", "PERSON", "WHO", "EXPIRE", "SOON", "RUN", "HOW_MANY", "EVERYONE")),
                        Pattern(0.95, ("MY", "COUNT|EXPIRE|HAVE|AB|RECERT|EARNS"), 0.75, ("OUR", "WHATIF")),
                        Pattern(0.95, ("MY", "STATUS|MSA"), 1.0, ("OUR",))),
    "org_progress": (Pattern(0.9, ("PROGRESS",), 0.9, ("MY",)), Pattern(0.7, ("COMPETENCY",), 1.0),
                     Pattern(0.6, ("LEVEL",), 1.0), Pattern(0.7, ("NAMED",), 1.0), Pattern(1.0, ("LEVEL", "NAMED")),
                     Pattern(1.05, ("REQUIRE|OPTIONS", "NAMED")), Pattern(0.95, ("PROGRESS", "NAMED|LEVEL"), 0.75, ("MY",))),
    "upgrade_options": (Pattern(1.0, ("UPGRADE",)), Pattern(1.0, ("MISSING",)), Pattern(0.95, ("REQUIRE",)),
                        Pattern(0.95, ("REACH", "LEVEL|COMPETENCY|NAMED")), Pattern(1.0, ("CLOSEST",)),
                        Pattern(0.9, ("OPTIONS",)), Pattern(1.1, ("UPGRADE", "NAMED")),
                        Pattern(1.05, ("REACH|UPGRADE", "MEMBERSHIP")), Pattern(1.0, ("SHOULD", "ACHIEVE|PEOPLE|LEVEL"))),
    "renewal_status": (Pattern(0.95, ("RENEWAL",), 1.0, ("MY",)), Pattern(1.05, ("RISK|SAFE", "MEMBERSHIP")), Pattern(1.0, ("RENEWAL", "RISK|SAFE|STATUS|LEVEL|NAMED|COMPETENCY|MEMBERSHIP")),
                       Pattern(1.0, ("RISK|SAFE|KEEP|LOSE|COST|PROGRESS", "ANNIVERSARY")), Pattern(1.0, ("KEEP", "LEVEL|COMPETENCY|NAMED")),
                       Pattern(1.0, ("LOSE", "LEVEL|COMPETENCY|NAMED"), 0.75, ("PERSON",)),
                       Pattern(0.9, ("SAFE", "LEVEL|COMPETENCY|NAMED")), Pattern(0.8, ("RISK",), 1.0),
                       Pattern(0.95, ("RISK", "LEVEL|COMPETENCY|NAMED"))),
    # Undoing a mute ("resume the paused alerts", "Hinweise nicht mehr stumm schalten") outweighs the OFF
    # words inside it.
    "alerts_on": (Pattern(1.0, ("ALERTS", "ON"), 0.75, ("NO", "OFF")), Pattern(1.05, ("NOTIFY",), 0.75, ("NO", "HELP")),
                  Pattern(1.05, ("TELL_ABOUT", "RISK|EXPIRE|ALERTS")), Pattern(0.9, ("OPTIN",)),
                  Pattern(1.15, ("NOTIFY|ALERTS", "RESUME")), Pattern(1.1, ("NOTIFY|ALERTS", "ON_LAST"))),
    "alerts_off": (Pattern(1.0, ("ALERTS", "OFF"), 0.75, ("RESUME", "ON_LAST")),
                   Pattern(0.95, ("ALERTS", "AB|AUS"), 0.75, ("RESUME", "ON_LAST")),
                   Pattern(0.85, ("OPTOUT",), 1.0, ("RESUME", "ON_LAST")),
                   Pattern(1.1, ("NOTIFY|ALERTS", "NO|OFF"), 0.75, ("ON", "RESUME"))),
    # A question about the bot itself with nothing else in it ("what do you do?") is for help, and a
    # bare "no"/"not now" leaves; both weigh less than INTERRUPTING_SCORE, so they never break off a
    # running dialog on their own.
    "help": (Pattern(1.05, ("HELP",)), Pattern(0.65, ("YOU",), 1.0)),
    "cancel": (Pattern(0.9, ("CANCEL",)), Pattern(0.65, ("NO|LATER",), 1.0)),
    "membership_status": (Pattern(1.0, ("MEMBERSHIP",)), Pattern(1.05, ("MEMBERSHIP", "EXPIRE|AB|WHEN|RUN")),
                          Pattern(1.05, ("RENEWAL|ANNIVERSARY", "WHEN")),
                          Pattern(1.05, ("BOTH_LEVELS",), 0.75, ("REACH", "UPGRADE", "MISSING", "REQUIRE")),
                          Pattern(1.05, ("ANNIVERSARY",), 0.75, ("RISK", "SAFE", "KEEP", "LOSE", "COST", "PROGRESS", "EXPIRE")),
                          Pattern(1.0, ("COMPETENCY", "HAVE"), 0.75, ("MY", "WHO")),
                          Pattern(1.05, ("MEMBERSHIP", "STATUS")), Pattern(1.05, ("UNTIL", "LEVEL|MEMBERSHIP"))),
    "people": (Pattern(0.95, ("PEOPLE",), 0.75, ("MISSING", "REQUIRE", "UPGRADE", "REACH", "CLOSEST", "SHOULD")),
               Pattern(0.95, ("OUR|ORG|HOW_MANY", "ACHIEVE|PEOPLE"), 0.75, ("MY", "MISSING", "REQUIRE", "UPGRADE", "EXPIRE", "RUN")), Pattern(1.0, ("WHO", "COUNT|ACHIEVE|CREDENTIAL|NAMED|PERSON_ASKED"), 0.75,
                       ("MISSING", "REQUIRE", "UPGRADE", "REACH", "CLOSEST")),
               Pattern(1.05, ("PERSON", "ACHIEVE|HAVE|COUNT|CREDENTIAL"), 0.75, ("WHATIF", "MY")),
               Pattern(1.0, ("PEOPLE", "ACHIEVE|CREDENTIAL|NAMED"), 0.75, ("SHOULD",)), Pattern(1.05, ("SLACK",)),
               Pattern(0.95, ("EVERYONE", "ACHIEVE"), 0.75, ("MY", "MISSING", "REQUIRE", "EXPIRE", "RUN"))),
    "expiring": (Pattern(1.0, ("EXPIRE",), 0.75, ("MY",)), Pattern(1.0, ("RUN", "AB"), 0.75, ("MY",)),
                 Pattern(1.05, ("EXPIRE|AB", "SOON"), 0.75, ("MY",)), Pattern(1.05, ("RECERT",), 0.75, ("MY",)), Pattern(1.05, ("RUN", "AUS"), 0.75, ("MY",)),
                 Pattern(1.0, ("RENEWAL", "ACHIEVE"), 0.75, ("MY",)), Pattern(1.05, ("EXPIRE|RUN", "WHO|PEOPLE"), 0.75, ("MY",))),
    "what_if": (Pattern(1.1, ("WHATIF",), 0.75, ("NOTIFY",)), Pattern(0.95, ("PERSON", "LEAVES|EARNS"), 0.75, ("NOTIFY",)),
                Pattern(1.1, ("WHATIF", "PERSON|LEAVES|EARNS|LOSE"))),
    "specializations": (Pattern(1.05, ("SPECIAL",)), Pattern(1.0, ("SPECIAL_NAME",))),
    "designations": (Pattern(1.05, ("DESIGN",)), Pattern(1.0, ("DESIGN_NAME",)), Pattern(1.05, ("SCORE", "OUR|MEMBERSHIP|HOW_MANY")), Pattern(0.95, ("SCORE",), 1.0)),
    "greeting": (Pattern(0.85, ("GREET",), 1.0),),
}
# Concepts that do not trigger an intent but whose words belong to it (coverage only).
OPTIONAL: dict[str, tuple[str, ...]] = {
    "link_msa": ("ACHIEVE", "COUNT", "HELP", "ASK"),
    "my_achievements": ("HAVE", "COUNT", "EXPIRE", "WHEN", "SOON", "RUN", "AB", "RECERT", "STATUS", "MSA", "SHOWN"),
    "org_progress": ("COMPETENCY", "MEMBERSHIP", "OPTIONS", "REPORT", "STATUS", "HAVE", "REQUIRE"),
    "upgrade_options": ("ACHIEVE", "COMPETENCY", "OPTIONS", "REACH", "MEMBERSHIP", "PEOPLE", "CLOSEST", "SHOULD", "EARNS"),
    "renewal_status": ("RISK", "SAFE", "PROGRESS", "COMPETENCY", "MEMBERSHIP", "LEAVES", "PEOPLE", "STATUS",
                       "ANNIVERSARY"),
    "alerts_on": ("RENEWAL", "RISK", "EXPIRE", "ALERTS", "ACHIEVE", "WHEN", "SOON", "LOSE", "LEAVES", "PEOPLE",
                  "COMPETENCY", "MEMBERSHIP", "UPGRADE", "ON", "OFF", "NO"),  # OFF, NO: "keine Alerts mehr, schalte sie ein"
    "alerts_off": ("NOTIFY", "RENEWAL", "RISK", "EXPIRE", "ON"),  # ON: "off again", "wieder aus"
    "help": ("ASK", "YOU", "ABOUT_BOT"),
    "cancel": ("NO", "GREET", "LINK", "POLITE", "LATER", "LATER_WORD", "DIALOG", "LEAVES"),
    "membership_status": ("PROGRESS", "RENEWAL", "SOON", "LEVEL", "SAFE", "RISK", "STATUS", "SHOWN", "WHEN"),
    "people": ("ACHIEVE", "HAVE", "COUNT", "COMPETENCY", "PEOPLE", "PERSON", "EARNS", "ORG", "HOW_MANY", "EXPIRE",
               "WHEN", "RUN", "AB", "EVERYONE"),
    "expiring": ("ACHIEVE", "SOON", "WHEN", "RUN", "AB", "AUS", "PEOPLE", "WHO", "HAVE", "RENEWAL", "REQUIRE",
                 "ANNIVERSARY"),
    "what_if": ("LEAVES", "EARNS", "LOSE", "ACHIEVE", "HAVE", "MEMBERSHIP", "COMPETENCY", "PEOPLE", "RENEWAL",
                "PERSON"),
    "specializations": ("SPECIAL", "PROGRESS", "REACH", "REQUIRE", "COMPETENCY", "SCORE"),
    "designations": ("DESIGN", "SCORE", "PROGRESS", "REACH", "MEMBERSHIP", "BREAKDOWN", "MISSING"),
    "greeting": ("POLITE",),
}
# Concepts that are explained in every intent, like entities: pronouns say whose question it is. A
# person's name is explained only where a person belongs (people, what_if): an unknown capitalised word
# must not turn "Goldene Hochzeit" into a question.
_ALWAYS_EXPLAINED = ("LEVEL", "NAMED", "CREDENTIAL", "MY", "OUR")


# Words too common at the end of unrelated compounds ("Ansprechpartner", "Wasserstand").
_NOT_COMPOUND_PARTS = frozenset("partner status stand stehen steht weit".split())


def _without_umlaut_e(word: str) -> str:
    """The spelling of someone who typed "a" for "ä" ("laeuft" as written without dots: "lauft")."""
    return word.replace("ae", "a").replace("oe", "o").replace("ue", "u")


def _build() -> tuple[FuzzyLexicon, dict[str, list[tuple[str, tuple[str, ...]]]], dict[str, set[str]]]:
    """Fuzzy lexicon of all words, first word → [(concept, word sequence)], word → its languages."""
    by_first_word: dict[str, list[tuple[str, tuple[str, ...]]]] = {}
    languages: dict[str, set[str]] = {}
    for concept, texts in CONCEPTS.items():
        for language, text in zip(("en", "de"), texts):
            for entry in text.split():
                for spelling in {entry, _without_umlaut_e(entry) if language == "de" else entry}:
                    words = tuple(spelling.split("_"))
                    by_first_word.setdefault(words[0], []).append((concept, words))
                    for word in words:
                        languages.setdefault(word, set()).add(language)
    for language, text in zip(("en", "de"), FILLERS):
        for word in text.split():
            for spelling in {word, _without_umlaut_e(word) if language == "de" else word}:
                languages.setdefault(spelling, set()).add(language)
    for word in LEVELS:  # "golden" is English, "goldene" and "Silber" German: they vote for a language too
        languages.setdefault(word, set()).add("en" if word in ("gold", "golden", "silver") else "de")
    languages["gold"].add("de")
    german = [w for w, tags in languages.items()
              if "de" in tags and w not in _FILLER_WORDS and w not in LEVELS and w not in _NOT_COMPOUND_PARTS]
    return FuzzyLexicon(languages, compound_parts=german), by_first_word, languages


_LEXICON, _BY_FIRST_WORD, _LANGUAGES = _build()
_INTENT_CONCEPTS = {
    intent: frozenset({c for p in patterns for need in p.needs for c in need.split("|")} | set(OPTIONAL.get(intent, ())))
    for intent, patterns in PATTERNS.items()
}
# Patterns with their "A|B" alternatives split once: intent → [(weight, alternatives per need, strictness, avoid)].
_COMPILED = {
    intent: [(p.weight, tuple(frozenset(need.split("|")) for need in p.needs), p.strictness, p.avoid) for p in patterns]
    for intent, patterns in PATTERNS.items()
}
_TRIGGERS = {intent: frozenset(c for p in patterns for alts in p[1] for c in alts) for intent, patterns in _COMPILED.items()}
_TRIGGERED_BY = {c: frozenset(i for i, t in _TRIGGERS.items() if c in t) for c in set().union(*_TRIGGERS.values())}


def _match_concepts(matches: list[dict[str, float]]) -> dict[str, tuple[float, set[int]]]:
    """concept → (best similarity, positions of the tokens that matched one of its words/phrases)."""
    found: dict[str, tuple[float, set[int]]] = {}
    for start, match in enumerate(matches):
        for first_word, first_sim in match.items():
            for concept, words in _BY_FIRST_WORD.get(first_word, ()):
                end = start + len(words)
                if end > len(matches):
                    continue
                sim = min([first_sim] + [matches[start + k].get(w, 0.0) for k, w in enumerate(words[1:], 1)])
                if sim > 0:
                    best, positions = found.get(concept, (0.0, set()))
                    positions.update(range(start, end))  # in place: a long message stays linear
                    found[concept] = (max(best, sim), positions)
    return found


def _language(text: str, tokens: list[str], matches: list[dict[str, float]], locale: str | None) -> str:
    if locale:
        return "de" if locale.strip().lower().startswith("de") else "en"
    votes = {"en": 0.0, "de": 2.0 if any(ch in text for ch in "äöüßÄÖÜ") else 0.0}
    for token, match in zip(tokens, matches):
        if match:
            word = token if token in match else max(sorted(match), key=match.__getitem__)
            tags = _LANGUAGES[word]
            if len(tags) == 1:
                votes[next(iter(tags))] += match[word]
    return "de" if votes["de"] > votes["en"] else "en"


_WORD = re.compile(r"[^\W_]+(?:['’`´][^\W_]+)*")
_APOSTROPHES = re.compile(r"['’`´]")
_NON_WORD = re.compile(r"[^a-z0-9]+")
_POSSESSIVE = re.compile(r"['’`´]s$")


_PARTS: dict[str, list[str]] = {}  # a written word → its folded tokens (words repeat across messages)


def words_as_written(text: str) -> tuple[list[str], list[str]]:
    """Folded tokens (as ``tokenize`` makes them) and, beside each, the word as the person wrote it."""
    tokens: list[str] = []
    surfaces: list[str] = []
    for match in _WORD.finditer(strip_mentions(text)):
        written = match.group()
        parts = _PARTS.get(written)
        if parts is None:
            parts = [p for p in _NON_WORD.split(fold(_APOSTROPHES.sub("", written))) if p]
            if len(_PARTS) >= 20_000:
                _PARTS.clear()
            _PARTS[written] = parts
        surface = _POSSESSIVE.sub("", written) if parts else written  # one object for every part of a word
        tokens.extend(parts)
        surfaces.extend([surface] * len(parts))
    return tokens, surfaces


# Words before a name ("what if Sam…", "wer ist Anna", "we lose Ben") and after one ("Sam leaves").
_BEFORE_NAME = frozenset("if wenn falls is ist about ueber does did has hat lose loses verlieren without ohne "
                         "von".split())
_NAME_CONCEPTS_AFTER = ("LEAVES", "EARNS", "LOSE", "HAVE", "COUNT")
_VERBS_AFTER_NAME = ("LEAVES", "EARNS", "LOSE")  # "Sam leaves", "Ben geht"; "Mein Zug hat …" names nobody
MAX_NAME_WORDS = 3
# German nouns are capitalised too; these endings are theirs, not names' ("Verspätung", "Sicherheit").
_GERMAN_NOUN_ENDINGS = ("ung", "heit", "keit", "schaft", "tion", "taet", "ismus", "nis", "tum")
_FIRST_PERSON_VERBS = frozenset("have had habe hab haben".split())  # "Ich habe Hunger" names nobody


def _person(tokens: list[str], surfaces: list[str], known: list[bool],
            concepts: dict[str, tuple[float, set[int]]], language: str) -> tuple[str | None, set[int]]:
    """A person's name as written, and its positions: unknown words that read as a name.

    A run of up to three words the bot does not know, after a word that introduces a name ("what if sam
    leaves", "who is Anna", "wenn Ben", "Zählt Lena") or before a verb about people ("Sam leaves", "Ben
    geht"). In English a capitalised word past the first is a name too; German capitalises every noun, so
    there only the cues count. Where the message capitalises anything past its first word, a name is
    capitalised too ("Was habe ich bisher erreicht?" names nobody).
    """
    cue_words = {i for c in _NAME_CONCEPTS_AFTER if c in concepts for i in concepts[c][1]
                 if tokens[i] not in _FIRST_PERSON_VERBS}
    verbs_after = {i for c in _VERBS_AFTER_NAME if c in concepts for i in concepts[c][1]}
    lower_case_text = not any(s[:1].isupper() for s in surfaces[1:])
    for i, token in enumerate(tokens):
        if known[i] or not token.isalpha() or len(token) < 2:
            continue
        written = surfaces[i]
        capitalised = written[:1].isupper() and not (written.isupper() and len(written) > 4)
        if not (capitalised or lower_case_text) or token.endswith(_GERMAN_NOUN_ENDINGS):
            continue
        end = i + 1
        while end < len(tokens) and end - i < MAX_NAME_WORDS and not known[end] and tokens[end].isalpha() and (
                surfaces[end] is surfaces[end - 1] or surfaces[end][:1].isupper()):
            end += 1
        cue_before = i > 0 and (tokens[i - 1] in _BEFORE_NAME or (capitalised and i - 1 in cue_words))
        cue_after = end in verbs_after
        if (language == "en" and capitalised and i > 0) or cue_before or cue_after:
            return " ".join(dict.fromkeys(surfaces[i:end])), set(range(i, end))
    return None, set()


_ONLY_QUESTION_MARKS = re.compile(r"\s*\?+\s*")
_BARE_ANSWERS = YES | NO  # a message of only these (and numbers) answers a question nobody asked …
_BARE_REFUSALS = NO - {"nicht"}  # … except a bare "no", "nein", "nope": it leaves (cancel), as "not now" does
_REFUSAL_SCORE = 0.65  # below the interrupting score (0.7): a "no" alone never breaks off a running dialog
# The Teams command lists (appPackage/manifest.json, de.json), folded: a command means what it says,
# whatever the learned model leans to (test_teams_package checks the table against the manifest).
COMMANDS: dict[str, tuple[str, Level | None]] = {
    "gold progress": ("org_progress", "gold"), "silver progress": ("org_progress", "silver"),
    "upgrade options": ("upgrade_options", None), "renewal status": ("renewal_status", None),
    "my achievements": ("my_achievements", None), "link my msa": ("link_msa", None),
    "alerts off": ("alerts_off", None), "alerts on": ("alerts_on", None), "help": ("help", None),
    "gold fortschritt": ("org_progress", "gold"), "silber fortschritt": ("org_progress", "silver"),
    "upgrade optionen": ("upgrade_options", None), "verlaengerungsstatus": ("renewal_status", None),
    "meine zertifizierungen": ("my_achievements", None), "msa verknuepfen": ("link_msa", None),
    "benachrichtigungen aus": ("alerts_off", None), "benachrichtigungen an": ("alerts_on", None),
    "hilfe": ("help", None),
}
CLOSE = 0.85  # a listed word, a form of it or one typo away: what the word-level rules below trust
# A German verb's particle goes to the end of its clause ("schalte sie wieder ein", "wo fange ich an"):
# joined to a verb at most SEPARATED_BY words before it, it reads as the listed verb ("einschalten").
# Before an article or a pronoun the particle is a preposition ("an den Bot", "auf meine Fragen").
SEPARATED_BY = 6
_SEPARABLE = frozenset(SEPARABLE)
_STARTS_A_PHRASE = frozenset("den dem der die das des ein einen einem einer eine mein meine meinen meinem meiner "
                             "unser unsere unseren unserem unserer dich dir mich mir sie ihn ihm uns euch".split())


def _rejoin_particles(tokens: list[str], matches: list[dict[str, float]]) -> None:
    """In German, give a verb and its separated particle the matches of the verb they form together
    (in place; each keeps its own too)."""
    for j, particle in enumerate(tokens):
        if particle not in _SEPARABLE or (j + 1 < len(tokens) and tokens[j + 1] in _STARTS_A_PHRASE):
            continue
        for i in range(j - 1, max(-1, j - 1 - SEPARATED_BY), -1):
            joined = {w: sim for w, sim in _LEXICON.lookup(particle + tokens[i]).items()
                      if sim >= CLOSE and w.startswith(particle) and len(w) > len(particle) + 3}
            if joined:
                for k in (i, j):
                    matches[k] = {**matches[k], **{w: max(sim, matches[k].get(w, 0.0)) for w, sim in joined.items()}}
                break


# Words that switch alerts on or off. Where both occur, the last one is the request and the first
# describes how things are ("Die Benachrichtigungen waren aus, mach sie bitte an", "I get no alerts
# anymore, please enable them"). A bare "on"/"an" switches only as the last word ("turn them back on");
# elsewhere it is a preposition ("alerts on weekends", "an meine Mail").
SWITCHES_ON = frozenset("enable unmute resume reenable reactivate activate einschalten anschalten anstellen "
                         "aktivieren reaktivieren anmachen".split())
SWITCHES_OFF = frozenset("off stop mute disable pause silence unsubscribe deactivate aus stopp ausschalten abschalten "
                          "deaktivieren stummschalten stumm abbestellen abstellen abmelden pausieren ausmachen "
                          "ausstellen".split())
_BARE_ON = frozenset(("on", "an"))
_OFF_STATE = frozenset("no none anymore keine kein keinerlei nicht mehr".split())  # "kommen nicht mehr"


def _switched_on_last(tokens: list[str], matches: list[dict[str, float]]) -> int | None:
    """The position of the last word that switches alerts, when it switches them on and one before it
    switches them off or says none come; else None."""
    last_on = None
    for i in range(len(tokens) - 1, -1, -1):
        words = {w for w, sim in matches[i].items() if sim >= CLOSE}
        if last_on is None:
            if words & SWITCHES_OFF:
                return None
            if words & SWITCHES_ON or (tokens[i] in _BARE_ON and i == len(tokens) - 1):
                last_on = i
        elif words & SWITCHES_OFF or tokens[i] in _OFF_STATE:
            return last_on
    return None


_LEVEL_NOUNS = frozenset("level levels stufe niveau".split())
_FROM = frozenset("from von".split())
_TO = frozenset("to into auf zu zum".split())


def _from_level_to_level(tokens: list[str], level_of: list[Level | None]) -> set[int] | None:
    """The positions of "from Silver to Gold" / "von Silber auf Gold" (the two levels and the words
    before them), or None: a step up named as such, not a question about which level is held."""
    after_from = [i for i in range(1, len(tokens)) if level_of[i] and tokens[i - 1] in _FROM]
    after_to = [i for i in range(1, len(tokens)) if level_of[i] and tokens[i - 1] in _TO]
    if after_from and after_to and after_from[0] < after_to[-1] \
            and (level_of[after_from[0]], level_of[after_to[-1]]) == ("silver", "gold"):
        return {after_from[0] - 1, after_from[0], after_to[-1] - 1, after_to[-1]}
    return None


NEAREST_BY = 0.1  # a typo is a typo of its nearest words, not of every word two letters away


def _nearest(found: dict[str, float]) -> dict[str, float]:
    """The words a token matches best (within NEAREST_BY of the best): "deaktiviieren" is "deaktivieren"
    (0.85), not also "reaktivieren" (0.7), which would switch the alerts on."""
    if len(found) < 2:
        return found
    best = max(found.values())
    return {w: sim for w, sim in found.items() if sim >= best - NEAREST_BY}


def _level_of(token: str) -> Level | None:
    """The level a word names, "Silbeer" and "Golld" included (one typo in a word of five letters or more)."""
    level = LEVELS.get(token)
    if level or len(token) < 5 or len(token) > MAX_FUZZY_LENGTH:
        return level
    near = {LEVELS[w] for w, sim in _LEXICON.lookup(token).items() if w in LEVELS and sim >= CLOSE}
    return near.pop() if len(near) == 1 and token not in _LEXICON.words else None


RECOGNIZED_CHARACTERS = 1_000


def prepare() -> None:
    """Train the fallback model and build the bundled catalog's lexicon now, at start-up: done lazily,
    the first message that needs them would hold the event loop for a second or more."""
    trained_model()
    entity_lexicon()


class _Analysis(NamedTuple):
    tokens: list[str]
    intent: str  # the best pattern's intent, "none" when no pattern matched
    score: float  # its score, before the threshold
    level: Level | None
    language: str
    found: tuple[str | None, str | None, str | None]  # competency, credential, person
    concepts: tuple[str, ...] = ()  # the concepts that occur, sorted
    rivals: tuple[tuple[str, float], ...] = ()  # the other intents a pattern matched, best first, with their scores
    sequence: tuple[str, ...] = ()  # the concepts in the order their words occur (one entry per such word)

    def evidence(self) -> list[str]:
        """What the rules saw, as features for the learned model: the concepts, the best pattern, the two
        runners-up (scoring RIVAL_SCORE or more) and neighbouring concepts in the order they occur ("REQUIRE
        then NAMED" reads otherwise than "NAMED then REQUIRE"). The last two added 0.35 points in
        cross-validation (0.9323 → 0.9358, mean of three seeds)."""
        band = min(int(self.score * 10), 10)
        found = [f"k:{c}" for c in self.concepts] + [f"r:{self.intent}", f"r:{self.intent}:{band}"]
        for intent, score in self.rivals[:2]:
            if score >= RIVAL_SCORE:
                found += [f"s:{intent}", f"s:{intent}:{min(int(score * 5), 5)}"]
        edged = ["<", *self.sequence, ">"]
        return found + [f"q:{a}_{b}" for a, b in pairwise(edged)]


RIVAL_SCORE = 0.3


def rules(text: str, locale: str | None = None, lexicon: EntityLexicon | None = None) -> _Analysis | Recognition:
    """Steps 1-4: the rules' best intent and score before the threshold and the learned model, or a
    final Recognition when the text decides alone (a lone "?")."""
    # A question is asked in its first sentences; reading further would only let one long message hold
    # the event loop (28 KB of short words took 0.3–1.5 s). The work stays linear below the bound.
    text = (text or "")[:RECOGNIZED_CHARACTERS]
    lexicon = lexicon or entity_lexicon()
    tokens, surfaces = words_as_written(text)
    entities = lexicon.entities(tokens)
    named = entities.spans
    level_of = [_level_of(t) for t in tokens]
    for i in range(1, len(tokens)):  # "the Gold level", "die Gold-Stufe": one level, not a membership question
        if tokens[i] in _LEVEL_NOUNS and level_of[i - 1]:
            level_of[i] = level_of[i - 1]
    entity_positions = set().union(*(named.get(k, frozenset()) for k in ("competency", "credential", "code")))
    matches = [{} if lvl or i in entity_positions else _nearest(_LEXICON.lookup(t))
               for i, (t, lvl) in enumerate(zip(tokens, level_of))]
    language = _language(text, tokens, [{t: 1.0} if lvl else m for t, lvl, m in zip(tokens, level_of, matches)], locale)
    if language == "de":
        _rejoin_particles(tokens, matches)
    levels = {lvl for lvl in level_of if lvl}
    level: Level | None = "gold" if "gold" in levels else "silver" if levels else None  # both named: gold, the usual target
    if not tokens and _ONLY_QUESTION_MARKS.fullmatch(strip_mentions(text)):
        return Recognition("help", 1.0, None, language)
    if tokens and all(t.isdigit() or t in _BARE_ANSWERS for t in tokens):
        # "Ja", "ok", "246810" with no question or prompt waiting: an answer to nothing (a prompt that
        # waits reads them itself, before the recogniser); never a guess of the model's. A refusal
        # alone ("no", "nope, no") leaves whatever runs; "nein danke" goes on to the patterns.
        if any(t in _BARE_REFUSALS for t in tokens) and not any(t in YES for t in tokens):
            return Recognition("cancel", _REFUSAL_SCORE, None, language)
        return Recognition("none", 1.0, None, language)
    if (command := COMMANDS.get(" ".join(tokens))) is not None:
        return Recognition(command[0], 1.0, command[1], language)

    concepts = _match_concepts(matches)
    if level:
        concepts["LEVEL"] = (1.0, {i for i, lvl in enumerate(level_of) if lvl})
    if len(levels) == 2:  # "are we Silver or Gold?" asks which level the membership is …
        concepts["BOTH_LEVELS"] = concepts["LEVEL"]
        if (step := _from_level_to_level(tokens, level_of)) is not None:  # … "from Silver to Gold" how to move up
            concepts["UPGRADE"] = (1.0, concepts.get("UPGRADE", (1.0, set()))[1] | step)
    for kind, concept in (("competency", "NAMED"), ("credential", "CREDENTIAL"), ("code", "CREDENTIAL"),
                          ("specialization", "SPECIAL_NAME"), ("designation", "DESIGN_NAME")):
        if named.get(kind):
            _, positions = concepts.get(concept, (1.0, set()))
            concepts[concept] = (1.0, positions | named[kind])
    if ("ALERTS" in concepts or "NOTIFY" in concepts) and (on_last := _switched_on_last(tokens, matches)) is not None:
        concepts["ON_LAST"] = (1.0, {on_last})
    known = [bool(m) or bool(lvl) or i in entity_positions or t in lexicon.words
             for i, (t, m, lvl) in enumerate(zip(tokens, matches, level_of))]
    person, person_positions = _person(tokens, surfaces, known, concepts, language)
    if person:
        concepts["PERSON"] = (1.0, person_positions)
        first = min(person_positions)
        if first > 0 and tokens[first - 1] in ("is", "ist"):  # "who is Anna", "wer ist Ben"
            concepts["PERSON_ASKED"] = concepts["PERSON"]
    content = {i for i, t in enumerate(tokens) if t not in _FILLER_WORDS or level_of[i]}
    always = {i for c in _ALWAYS_EXPLAINED for i in concepts.get(c, (0, set()))[1]}

    best_intent, best_score = "none", 0.0
    scores: dict[str, float] = {}  # intent → its best pattern's score
    present = concepts.keys()
    triggered = {intent for c in present for intent in _TRIGGERED_BY.get(c, ())}
    for intent, patterns in _COMPILED.items():
        if intent not in triggered:
            continue
        unexplained = -1.0  # computed once, for the first pattern whose concepts all occur
        for weight, needs, strictness, avoid in patterns:
            if any(alternatives.isdisjoint(present) for alternatives in needs):
                continue
            sims = [max([concepts[c][0] for c in alternatives if c in concepts]) for alternatives in needs]
            if unexplained < 0:
                explained = set(always)
                for c in _INTENT_CONCEPTS[intent] & concepts.keys():
                    explained |= concepts[c][1]
                relevant = len(explained | content)  # fillers count once they carry the intent ("what can you do")
                unexplained = len(content - explained) / relevant if relevant else 0.0
            score = weight * sum(sims) / len(sims) * (1 - strictness * unexplained)
            if any(c in concepts for c in avoid):
                score *= 0.75
            scores[intent] = max(score, scores.get(intent, 0.0))
            if score > best_score + 1e-9:
                best_intent, best_score = intent, score
    rivals = tuple(sorted(((i, s) for i, s in scores.items() if i != best_intent), key=lambda p: (-p[1], p[0])))
    return _Analysis(tokens, best_intent, best_score, level, language,
                     (entities.competency, entities.credential, person), tuple(sorted(concepts)), rivals,
                     _in_order(concepts, len(tokens)))


def _in_order(concepts: dict[str, tuple[float, set[int]]], length: int) -> tuple[str, ...]:
    """Per token that belongs to a concept, in message order, its concepts joined ("NAMED", "OFF+OPTOUT")."""
    at: list[list[str]] = [[] for _ in range(length)]
    for concept in sorted(concepts):
        for i in concepts[concept][1]:
            at[i].append(concept)
    return tuple("+".join(names) for names in at if names)


def recognize(text: str, locale: str | None = None, lexicon: EntityLexicon | None = None) -> Recognition:
    """Intent, confidence, entities and language of one user message.

    ``lexicon`` holds the active catalog's competencies and credentials (``entity_lexicon(catalog)``);
    without one, the bundled catalog's is used.
    """
    analysis = rules(text, locale, lexicon)
    if isinstance(analysis, Recognition):
        return analysis
    best_score = analysis.score
    asked = analysis.tokens and best_score < max(THRESHOLD, OVERRULE_BELOW)
    guess, margin = trained_model().predict(analysis.tokens, analysis.evidence()) if asked else ("none", 0.0)
    intent, by_model = decide(analysis.intent, best_score, guess, margin)
    found = (analysis.level, analysis.language, *analysis.found)
    if by_model:  # the learned model's guess, scored 0.5-0.65: below the interrupting and confirming scores
        return Recognition(intent, round(THRESHOLD + 0.15 * min(1.0, margin / 2), 3), *found)
    if intent == "none":
        return Recognition("none", round(1.0 - min(best_score, THRESHOLD), 3), *found)
    return Recognition(intent, round(min(best_score, 1.0), 3), *found)


_NEVER_OVERRULED = frozenset({("alerts_on", "alerts_off")})  # (the rules' intent, the model's guess)


def decide(rule_intent: str, rule_score: float, guess: str, margin: float, min_margin: float = MIN_MARGIN,
           overrule_below: float = OVERRULE_BELOW, overrule_margin: float = OVERRULE_MARGIN,
           overrule_to_none: bool = OVERRULE_TO_NONE) -> tuple[str, bool]:
    """Rules and model combined by confidence: the intent, and whether the model decided it.

    Rules at or above THRESHOLD decide, unless they score below ``overrule_below`` and the model's
    different guess leads its runner-up by ``overrule_margin`` (a guess of none only with
    ``overrule_to_none``). Below THRESHOLD the model's guess is
    taken when it leads by ``min_margin``; otherwise none. The model never turns the rules' opt-in into an
    opt-out (``_NEVER_OVERRULED``): in cross-validation it was right there 3 times and wrong 6 to 12.
    """
    if rule_score >= THRESHOLD:
        if (rule_score < overrule_below and guess != rule_intent and margin >= overrule_margin
                and (rule_intent, guess) not in _NEVER_OVERRULED
                and (overrule_to_none or guess != "none")):
            return guess, guess != "none"
        return rule_intent, False
    if guess != "none" and margin >= min_margin:
        return guess, True
    return "none", False


def operations(lexicon: EntityLexicon | None = None) -> int:
    """Work done so far by recognition's word lookups (candidate strings and distance cells): grows
    linearly with the length of the messages recognised, whatever their words (a test checks it)."""
    return _LEXICON.operations + (lexicon or entity_lexicon()).operations


def entity_lexicon(catalog=None) -> EntityLexicon:
    """The (cached) entity lexicon of a catalog; by default the bundled one (SPEC 4.5)."""
    return lexicon_for(catalog if catalog is not None else bundled_catalog())


__all__ = ["INTENTS", "THRESHOLD", "Recognition", "entity_lexicon", "operations", "recognize", "words_as_written"]
