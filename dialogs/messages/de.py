"""Jeder deutsche Satz des Bots: `str.format`-Vorlagen mit denselben Schlüsseln wie `dialogs.messages.en`."""

from __future__ import annotations

MESSAGES: dict[str, str] = {
    # --- Gespräch -----------------------------------------------------------------------------
    "welcome": (
        "Hallo! Ich behalte den Fortschritt Ihrer Organisation bei den Microsoft-Kompetenzen im Blick. "
        "Sagen Sie „Hilfe“, um zu sehen, was ich kann."
    ),
    "help_title": "Was ich kann",
    "help": (
        "- „MSA verknüpfen“: das Microsoft-Konto mit Ihren Zertifizierungen verknüpfen, damit sie für Ihre Organisation zählen\n"
        "- „meine Zertifizierungen“: Ihre verknüpften Konten, Zertifizierungen und Assessments und wofür sie zählen\n"
        "- „Wie ist unser Gold-Fortschritt?“: die Anforderungen jeder Kompetenz mit Ist- und Sollwerten (Admins)\n"
        "- „Upgrade-Optionen“: was für die nächste Stufe fehlt und wer am nächsten dran ist (Admins)\n"
        "- „Verlängerung gefährdet?“: jede erworbene Kompetenz zum Ablaufdatum der Mitgliedschaft, warum sie gefährdet ist und was hilft (Admins)\n"
        "- „Benachrichtigungen aus“ / „Benachrichtigungen an“: Warnungen zur Verlängerung abbestellen oder wieder erhalten (Admins)\n"
        "- „abbrechen“: den laufenden Vorgang abbrechen"
    ),
    "not_registered": (
        "Entschuldigung, Sie sind für keine Partnerorganisation registriert, daher kann ich das nicht beantworten. "
        "Bitten Sie einen Admin Ihrer Organisation, Sie hinzuzufügen."
    ),
    "admins_only": (
        "Das können nur die Admins Ihrer Organisation sehen. Sagen Sie „meine Zertifizierungen“, um Ihre eigenen zu sehen."
    ),
    "cancelled": "Abgebrochen. Was kann ich sonst für Sie tun?",
    "nothing_to_cancel": "Es gibt nichts abzubrechen.",
    "unknown_intent": (
        "Entschuldigung, das habe ich nicht verstanden. Ich kann Ihr Microsoft-Konto verknüpfen und Ihre "
        "Zertifizierungen zeigen; Admins zeige ich außerdem Fortschritt und Upgrade-Optionen ihrer "
        "Organisation und ob die Verlängerung gefährdet ist. Sagen Sie „Hilfe“, um alles zu sehen, was ich kann."
    ),
    "error_apology": "Entschuldigung, bei mir ist etwas schiefgelaufen. Bitte versuchen Sie es gleich noch einmal.",
    # --- Microsoft-Konto verknüpfen -----------------------------------------------------------
    "sign_in_title": "Anmelden",
    "sign_in_prompt": "Bitte melden Sie sich mit dem Microsoft-Konto (MSA) an, zu dem Ihre Zertifizierungen gehören.",
    "sign_in_failed": (
        "Die Anmeldung wurde nicht abgeschlossen, daher wurde nichts verknüpft. "
        "Sagen Sie „MSA verknüpfen“, um es noch einmal zu versuchen."
    ),
    "link_confirm_dissolve": (
        "Das Microsoft-Konto {msa} zählt derzeit für eine andere Organisation: {organization}. "
        "Wenn Sie es hier verknüpfen, wird diese Zuordnung sofort aufgehoben. Fortfahren?"
    ),
    "link_confirm_yes": "Ja, hier verknüpfen",
    "link_confirm_no": "Nein, dort lassen",
    "link_kept": "In Ordnung, nichts geändert: {msa} zählt weiterhin für {organization}.",
    "link_done": "{msa} ist verknüpft. Die Nachweise dieses Kontos zählen ab {counts_from} für Ihre Organisation.",
    "link_already": "{msa} ist bereits mit Ihrem Konto verknüpft.",
    "link_refused_cooldown": (
        "Dieses Microsoft-Konto wurde erst kürzlich mit einer Organisation verknüpft. Ab {date} lässt es sich wieder verknüpfen."
    ),
    "link_refused_yearly": (
        "Dieses Microsoft-Konto wurde in diesem Jahr so oft verknüpft wie erlaubt. Ab {date} lässt es sich wieder verknüpfen."
    ),
    "graph_failed": (
        "Ich konnte die Angaben zu Ihrem Microsoft-Konto nicht lesen, daher wurde nichts verknüpft. "
        "Bitte versuchen Sie es später noch einmal."
    ),
    # --- Benachrichtigungen -------------------------------------------------------------------
    "alerts_off_done": (
        "Benachrichtigungen sind aus. Ich sende Ihnen keine Warnungen zur Verlängerung mehr, bis Sie „Benachrichtigungen an“ sagen."
    ),
    "alerts_on_done": "Benachrichtigungen sind an. Ich sage Ihnen Bescheid, wenn eine Änderung die Verlängerung Ihrer Mitgliedschaft gefährdet.",
    "alert_title": "Kompetenzhinweis für {organization}",
    "alert_summary_at_risk": "{cause}; gefährdet: {levels}",
    "alert_what_changed": "Was sich geändert hat: {cause}",
    "alert_level_at_risk": "{competency} auf Stufe {level} wäre am {date} nicht mehr erfüllt.",
    "alert_membership_at_risk": "Die Verlängerung Ihrer {level}-Mitgliedschaft am {date} ist gefährdet.",
    "alert_upgrade_available": "Gute Nachricht: {organization} erfüllt jetzt in mindestens einer Kompetenz die Stufe {level}; die Mitgliedschaft kann von {membership} auf {level} hochgestuft werden.",
    "alert_override_ends": "Die Ausnahme des Microsoft-Supports für {competency} auf Stufe {level} über {option} endet am {date}.",
    "alert_renewal_at_risk": (
        "Eine kürzlich erfolgte Änderung bei Ihren Kompetenznachweisen gefährdet die Verlängerung Ihrer Mitgliedschaft"
    ),
    # --- Benachrichtigungen, die sagen, was geschehen ist (R16) ---------------------------------
    "alert_level_at_risk_headline": "Eine kürzlich erfolgte Änderung bei Ihren Kompetenznachweisen gefährdet eine erworbene Kompetenz bei der Verlängerung",
    "alert_membership_safe": "Die Verlängerung Ihrer {level}-Mitgliedschaft am {date} ist nicht gefährdet: Eine andere erworbene Kompetenz erfüllt weiterhin die Stufe {level}.",
    "alert_membership_at_risk_otherwise": "Die Verlängerung Ihrer {level}-Mitgliedschaft am {date} ist auch aus anderen Gründen gefährdet; Näheres zeigt der Verlängerungsstatus.",
    "alert_who_could_fill": "Wer die Lücke schließen könnte",
    "alert_unexplained_membership_headline": "Die Verlängerung Ihrer Mitgliedschaft ist gefährdet",
    "alert_unexplained_level_headline": "Eine erworbene Kompetenz ist bei der Verlängerung gefährdet",
    "alert_why": "Warum: {cause}",
    "alert_upgrade_meets": "{competency} erfüllt die Stufe {level} über {option}",
    "alert_override_after_met": "Danach bleibt {competency} auf Stufe {level} erfüllt: {option} erfüllt die Anforderungen auch ohne die Ausnahme.",
    "alert_override_after_other": "Danach bleibt {competency} auf Stufe {level} erfüllt, und zwar über {option}.",
    "alert_override_after_not_met": "Danach ist {competency} auf Stufe {level} nicht mehr erfüllt.",
    "alert_override_needs": "Ohne die Ausnahme fehlt über {option}: {needs}",
    "cause_unexplained": "{shortfall}. Keine Änderung in den Daten Ihrer Organisation erklärt das; möglicherweise haben sich die Anforderungen selbst geändert.",
    "fix_for": "Am wenigsten fehlt für {competency} auf Stufe {level} über {option}: {needs}",
    "fix_none_for": "{competency} auf Stufe {level}: Nach heutigem Stand lässt sich bis dahin keine Option erfüllen.",
    "figure_people_one": "{current} von {required} Person",
    "cause_people_short_one": "Nur {current} der {required} benötigten Personen erfüllt die Anforderung",
    "alert_upgrade_available_new": "Gute Nachricht: {organization} erfüllt jetzt in mindestens einer Kompetenz die Stufe {level}; eine {level}-Mitgliedschaft kann erworben werden.",
    "closest_person_only": "{person} braucht nur noch {needs}",
    "counts_toward_if_renewed": "Nach einer Erneuerung würde es zählen für: {competencies}",
    "counts_toward_if_linked": "Nach erneuter Verknüpfung würde es zählen für: {competencies}",
    # --- Wörter -------------------------------------------------------------------------------
    "level_silver": "Silber",
    "level_gold": "Gold",
    "level_none": "keine",
    "met": "erfüllt",
    "not_met": "nicht erfüllt",
    "word_and": "und",
    "word_or": "oder",
    "more_codes": "{count} weitere",
    "list_separator": ", ",
    # --- Fortschritt --------------------------------------------------------------------------
    "progress_title": "{level}-Fortschritt für {organization}",
    "membership_line": "Mitgliedschaft: {level} bis {date}",
    "membership_none": "Keine Mitgliedschaft",
    "as_of": "Stand: {when}",
    "eligible_line": "Derzeit sind die Anforderungen für die {level}-Mitgliedschaft erfüllt.",
    "eligible_none": "Derzeit sind die Anforderungen für keine Mitgliedschaftsstufe erfüllt.",
    "held_badge": "Erworben: {level}",
    "at_risk": "Bei der Verlängerung gefährdet",
    "safe": "Bei der Verlängerung sicher",
    "level_status": "{level}: {status}",
    "via_option": "über {option}",
    "via_option_best_of": "über {option} (die beste von {count} Optionen)",
    "override_until": "Bis {date} durch eine Ausnahme des Microsoft-Supports erfüllt",
    "requirement_people": "Zertifizierte Personen ({what})",
    "requirement_metric_sum": "{metric} (in den letzten {months} Monaten)",
    "requirement_metric_latest": "{metric} (im letzten Monat)",
    "figure_people": "{current} von {required} Personen",
    "figure_metric": "{current} von {required}",
    "figure_status": "{figure} ({status})",
    "among_note": "davon zusätzlich mit {what}: {current} von {required}",
    "pending_count": "ausstehend: {count}",
    "pending_note": "ausstehend: {count}, ab {when}",
    "pending_note_range": "ausstehend: {count}, zwischen {first} und {last}",
    "progress_nothing": "Noch keine Kompetenz zeigt Fortschritte in Richtung {level}.",
    "more_competencies_one": "1 weitere Kompetenz ohne Fortschritte in Richtung {level}",
    "more_competencies": "{count} weitere Kompetenzen ohne Fortschritte in Richtung {level}",
    "not_shown": "{count} weitere Kompetenzen mit Fortschritten werden hier nicht angezeigt; fragen Sie nach den Upgrade-Optionen.",
    # --- Upgrade-Optionen ---------------------------------------------------------------------
    "upgrade_title": "Upgrade-Optionen für {level}",
    "upgrade_intro": "Sortiert nach dem, was noch fehlt; die nächstliegende Option zuerst.",
    "upgrade_none": "Alle Kompetenzen erfüllen die Stufe {level} bereits.",
    "upgrade_heading": "{competency} über {option}",
    "upgrade_line": "{heading}: {needs}",
    "more_person": "noch 1 zertifizierte Person ({what})",
    "more_people": "noch {count} zertifizierte Personen ({what})",
    "more_among": "davon {count} zusätzlich mit {what}",
    "more_metric": "noch {amount} {metric}",
    "covered_by_pending": "nichts mehr nötig, sobald die ausstehenden Nachweise zählen",
    "closest_title": "Am nächsten dran",
    "closest_person": "{person} hat {holds} und braucht noch {needs}",
    "closest_person_needs": "{person} braucht noch {needs}",
    "pending_person": "{person} zählt ab {when}",
    "more_options_one": "1 weitere Option mit größerem Abstand",
    "more_options": "{count} weitere Optionen mit größerem Abstand",
    # --- Verlängerung -------------------------------------------------------------------------
    "renewal_title": "Verlängerungsstatus",
    "renewal_membership": "Ihre {level}-Mitgliedschaft läuft am {date} ab.",
    "renewal_at_risk_sentence": (
        "Die Verlängerung auf Stufe {level} ist gefährdet: Am {date} würde keine erworbene Kompetenz die Stufe {level} mehr erfüllen."
    ),
    "renewal_safe_sentence": (
        "Die Verlängerung auf Stufe {level} ist sicher: Am {date} erfüllt weiterhin eine erworbene Kompetenz die Stufe {level}."
    ),
    "renewal_expired": "Ihre {level}-Mitgliedschaft ist am {date} abgelaufen.",
    "renewal_no_membership": "Ihre Organisation hat keine Mitgliedschaft, die verlängert werden könnte.",
    "renewal_nothing_held": "Ihre Organisation hat keine erworbene Kompetenz, die gefährdet sein könnte.",
    "held_level_safe": "{competency}, Stufe {level}: am {date} sicher",
    "held_level_at_risk": "{competency}, Stufe {level}: am {date} gefährdet",
    "cause_leaver": "{person} hat die Organisation am {date} verlassen",
    "cause_leaving": "{person} verlässt die Organisation am {date}",
    "cause_expiring": "„{credential}“ von {person} läuft am {date} ab",
    "cause_retiring": "„{credential}“ von {person} wurde von Microsoft zurückgezogen und zählt ab dem {date} nicht mehr",
    "cause_msa_moved": "Das Microsoft-Konto von {person} mit {credential} zählt seit dem {date} für eine andere Organisation",
    "cause_override_ends": "Die Ausnahme des Microsoft-Supports für {option} endet am {date}",
    "cause_metric_below": "{metric}: {current}, weniger als die erforderlichen {required}",
    "cause_people_short": "Nur {current} der {required} benötigten Personen erfüllen die Anforderung",
    "cause_people_none": "Niemand erfüllt die Anforderung (benötigt: {required})",
    "more_causes": "{count} weitere Ursachen",
    "fix": "Am wenigsten fehlt über {option}: {needs}",
    "fix_none": "Nach heutigem Stand lässt sich bis dahin keine Option erfüllen.",
    # --- Nachweise ----------------------------------------------------------------------------
    "achievements_title": "Ihre Nachweise",
    "accounts_title": "Verknüpfte Microsoft-Konten",
    "account_line": "{msa} ({purpose}), verknüpft am {date}",
    "account_moved": "{msa}: zählt hier nicht mehr, da es mit einer anderen Organisation verknüpft wurde",
    "purpose_certifications": "Zertifizierungen und Prüfungen",
    "purpose_partner_university": "Partner-University-Assessments",
    "purpose_both": "Zertifizierungen und Assessments",
    "achievement_line": "{credential}: {status}",
    "status_counts": "zählt",
    "status_counts_expires": "zählt, läuft am {date} ab",
    "status_pending": "ausstehend bis {when}",
    "status_expired": "am {date} abgelaufen",
    "status_not_linked": "nicht mehr verknüpft",
    "status_left": "zählt nicht mehr, da Sie die Organisation verlassen haben",
    "counts_toward": "Zählt für: {competencies}",
    "counts_toward_nothing": "Wird von keiner Kompetenz verlangt",
    "competency_levels": "{competency} ({levels})",
    "no_achievements": (
        "Auf Ihren verknüpften Microsoft-Konten wurden noch keine Zertifizierungen, Prüfungen oder Assessments gefunden."
    ),
    "no_accounts": (
        "Sie haben noch kein Microsoft-Konto verknüpft. "
        "Sagen Sie „MSA verknüpfen“, um das Konto mit Ihren Zertifizierungen zu verknüpfen."
    ),
    # --- Schaltflächen ------------------------------------------------------------------------
    "button_renewal": "Verlängerungsstatus anzeigen",
    "button_mute": "Benachrichtigungen stummschalten",
    "button_upgrade": "Upgrade-Optionen",
    "button_progress": "Fortschritt",
    "button_progress_level": "{level}-Fortschritt",
    "button_achievements": "Meine Nachweise",
    "button_link": "Microsoft-Konto verknüpfen",
    # --- Gemeinsame Unterhaltungen und Sonderfälle der Anmeldung (Issue 8) --------------------------
    "shared_answer_sent": (
        "Ich habe Ihnen die Antwort in unseren persönlichen Chat geschickt: Zahlen der ganzen Organisation "
        "zeige ich nicht in gemeinsamen Unterhaltungen."
    ),
    "shared_open_personal_chat": (
        "Zahlen der ganzen Organisation zeige ich nicht in gemeinsamen Unterhaltungen, und einen persönlichen Chat "
        "haben wir noch nicht. Bitte öffnen Sie einen persönlichen Chat mit mir und fragen Sie dort."
    ),
    "shared_link_personal_only": (
        "Ein Microsoft-Konto verknüpfen Sie nur in unserem persönlichen Chat. Bitte öffnen Sie einen persönlichen Chat "
        "mit mir und sagen Sie dort „MSA verknüpfen“."
    ),
    "link_ended_for_question": (
        "Um das zu beantworten, habe ich das Verknüpfen Ihres Microsoft-Kontos beendet; es wurde nichts verknüpft. "
        "Sagen Sie „MSA verknüpfen“, um neu zu beginnen."
    ),
    "token_service_unreachable": (
        "Ich erreiche den Anmeldedienst von Microsoft gerade nicht, daher wurde nichts verknüpft. "
        "Bitte sagen Sie in ein paar Minuten noch einmal „MSA verknüpfen“."
    ),
    # --- zweite Version: eine Kompetenz, Mitgliedschaft, Personen, Abläufe, Was-wäre-wenn, R12, R14 (i11b) ---
    "help_more": (
        "- „Wie steht es um Datenanalyse?“: eine Kompetenz mit beiden Stufen und allen Optionen (Admins)\n"
        "- „Wann läuft unsere Mitgliedschaft ab?“: Stufe, Ablaufdatum, erworbene Kompetenzen und Verlängerung (Admins)\n"
        "- „Wer hat die AZ-104?“, „Wer zählt für Sicherheit?“: die Personen und was an ihnen hängt (Admins)\n"
        "- „Was läuft bald ab?“: was vor der Verlängerung nicht mehr zählt (Admins)\n"
        "- „Was wäre, wenn Ben geht?“, „Was wäre, wenn Anna die AZ-305 besteht?“: was sich ändern würde (Admins)\n"
        "- „Advanced Specializations“, „Solutions-Partner-Punkte“: die Programme über Gold hinaus (Admins)"
    ),
    "competency_title": "{competency} bei {organization}",
    "competency_level_heading": "{level}: {status}",
    "competency_level_at_risk": "{level}: {status} · bei der Verlängerung gefährdet",
    "competency_level_safe": "{level}: {status} · bei der Verlängerung sicher",
    "competency_option": "{option}: {status}",
    "competency_option_closest": "{option}: {status} (am nächsten dran)",
    "competency_option_met_here": "{option}: {status} (zählt)",
    "competency_unknown": "Eine Kompetenz mit diesem Namen kenne ich nicht. Fragen Sie nach „unserem Gold-Fortschritt“, um alle zu sehen.",
    "competency_of_level": "{competency} {level}",
    "membership_title": "Mitgliedschaft von {organization}",
    "membership_status_line": "{level}-Mitgliedschaft bis {date}",
    "membership_status_expired": "Die {level}-Mitgliedschaft ist am {date} abgelaufen",
    "membership_status_none": "Keine Mitgliedschaft",
    "membership_held": "Erworbene Kompetenzen: {competencies}",
    "membership_held_none": "Keine erworbenen Kompetenzen",
    "membership_held_item": "{competency} {level}",
    "membership_held_item_at_risk": "{competency} {level} (gefährdet)",
    "membership_profile": "Derzeit sind die Anforderungen für die {level}-Mitgliedschaft erfüllt; nach diesem Upgrade zeigt das Profil: {competencies}",
    "membership_profile_none": "Derzeit sind die Anforderungen für keine Mitgliedschaftsstufe erfüllt; das Profil würde keine Kompetenz zeigen.",
    "membership_renewal_safe": "Verlängerung am {date}: sicher, eine erworbene Kompetenz erfüllt {level} weiterhin.",
    "membership_renewal_at_risk": "Verlängerung am {date}: gefährdet, keine erworbene Kompetenz würde {level} noch erfüllen.",
    "people_title_all": "Zertifizierte Personen bei {organization}",
    "people_title_credential": "Wer {credential} hat",
    "people_title_competency": "Wer für {competency} zählt",
    "people_title_person": "Was {person} hat",
    "people_none_all": "Bei {organization} hat noch niemand eine Zertifizierung, Prüfung oder ein Assessment, das zählt.",
    "people_none_credential": "Bei {organization} hat niemand {credential}.",
    "people_none_competency": "Bei {organization} zählt noch niemand für {competency}.",
    "people_none_person": "{person} hat hier noch nichts, das zählt.",
    "people_entry": "{person}: {credentials}",
    "people_credential_until": "{credential} bis {date}",
    "people_credential_forever": "{credential}, ohne Ablaufdatum",
    "people_credential_pending": "{credential}, zählt ab {when}",
    "people_carries": "Trägt {levels}",
    "people_carries_nothing": "Trägt noch keine Stufe",
    "people_no_slack_title": "Ohne Reserve",
    "people_no_slack_one": "{level} hängt an genau 1 Person: {people}",
    "people_no_slack": "{level} hängt an genau {count} Personen: {people}",
    "people_slack_all": "Keine Stufe hängt an genau so vielen Personen, wie sie braucht.",
    "expiring_title": "Läuft bald ab",
    "expiring_intro_renewal": "Zählende Nachweise, die innerhalb von {days} Tagen und vor der Verlängerung am {date} nicht mehr zählen:",
    "expiring_intro": "Zählende Nachweise, die innerhalb von {days} Tagen nicht mehr zählen:",
    "expiring_none_renewal": "Nichts, was zählt, läuft innerhalb von {days} Tagen und vor der Verlängerung am {date} ab.",
    "expiring_none": "Nichts, was zählt, läuft innerhalb von {days} Tagen ab.",
    "expiring_item": "{person}: {credential} läuft am {date} ab",
    "expiring_item_retiring": "{person}: {credential} wurde eingestellt und zählt ab dem {date} nicht mehr",
    "expiring_carries": "Zählt für {levels}",
    "expiring_carries_nothing": "Zählt für keine erfüllte Stufe",
    "expiring_more": "{count} weitere zählen bis dahin nicht mehr",
    "people_more": "{count} weitere Personen",
    "what_if_title_leaves": "Was wäre, wenn {person} geht?",
    "what_if_title_earns": "Was wäre, wenn {person} {credential} erwirbt?",
    "what_if_title_loses": "Was wäre, wenn {person} {credential} verliert?",
    "what_if_nothing": "Es würde sich nichts ändern: Alle Stufen, die Mitgliedschaft und ihre Verlängerung bleiben, wie sie sind.",
    "what_if_membership": "Mitgliedschaft: Anforderungen erfüllt für {before} → {after}",
    "what_if_membership_same": "Mitgliedschaft: Anforderungen weiterhin erfüllt für {level}",
    "what_if_renewal": "Verlängerung am {date}: {before} → {after}",
    "what_if_renewal_same": "Verlängerung am {date}: weiterhin {state}",
    "what_if_safe": "sicher",
    "what_if_at_risk": "gefährdet",
    "what_if_state_met": "erfüllt",
    "what_if_state_not_met": "nicht erfüllt",
    "what_if_state_met_at_risk": "erfüllt, gefährdet",
    "what_if_state_not_met_at_risk": "nicht erfüllt, gefährdet",
    "what_if_level": "{level}: {before} → {after}",
    "what_if_opened": "Wäre erfüllt: {option}",
    "what_if_closed": "Wäre nicht mehr erfüllt: {option}",
    "what_if_option": "{competency} {level} über {option}",
    "what_if_nothing_stored": "Es wurde nichts geändert; das ist nur eine Berechnung.",
    "what_if_needs_person": "Wen meinen Sie? Zum Beispiel: „Was wäre, wenn Sam geht?“ oder „Was wäre, wenn Anna die AZ-305 besteht?“",
    "what_if_needs_credential": "Welche Zertifizierung? Zum Beispiel: „Was wäre, wenn {person} die AZ-305 besteht?“",
    "what_if_not_held": "{person} hat kein {credential}; es zu verlieren, ändert nichts.",
    "person_unknown": "Ich kenne bei {organization} niemanden namens {name}.",
    "person_which": "Welche Person namens {name} meinen Sie?",
    "credential_unknown": "Diese Zertifizierung kenne ich nicht. Bitte nennen Sie die Prüfungsnummer, z. B. AZ-104.",
    "specializations_title": "Advanced Specializations",
    "specializations_none": "Der Katalog enthält keine Advanced Specialization.",
    "specialization_heading": "{specialization}: {status}",
    "specialization_gold": "{competency} Gold (Voraussetzung): {status}",
    "specialization_audit_passed": "Microsoft-Audit: bestanden am {date}",
    "specialization_audit_missing": "Microsoft-Audit: noch nicht bestanden",
    "specialization_audit_none": "Kein Audit erforderlich",
    "specialization_criteria": "Kriterien",
    "designations_title": "Solutions Partner-Designations",
    "designations_none": "Der Katalog enthält keine Solutions Partner-Designation.",
    "designation_heading": "{designation}: {score} von 100 Punkten ({track}, der beste Track)",
    "designation_qualified": "Qualifiziert: mindestens {qualify_at} Punkte und jede Kennzahl über null.",
    "designation_not_qualified": "Noch nicht qualifiziert: {qualify_at} Punkte sind nötig.",
    "designation_not_qualified_zero": "Noch nicht qualifiziert: {qualify_at} Punkte sind nötig und jede Kennzahl über null.",
    "designation_track": "Track {track}: {score} Punkte",
    "designation_metric": "{metric}: {value} von {full_at}",
    "designation_points": "{points} von {max_points} Punkten",
    "designation_gate_missing": "{metric}: gesperrt, bis die vorausgesetzte Zertifizierung vorliegt",
    "designation_people": "Zertifizierte Personen ({what})",
    "track_enterprise": "Großkunden",
    "track_smb": "Kleine und mittlere Unternehmen",
    "greeting_hello": "Hallo! Ich behalte die Microsoft-Kompetenzen Ihrer Organisation im Blick.",
    "greeting_thanks": "Gern geschehen!",
    "greeting_hint_admin": "Fragen Sie zum Beispiel „Was läuft bald ab?“ oder „Was wäre, wenn jemand geht?“.",
    "greeting_hint_employee": "Fragen Sie zum Beispiel nach „meine Zertifizierungen“, um zu sehen, was von Ihnen zählt.",
    "confirm_alerts_off": "Soll ich Ihnen keine Verlängerungswarnungen mehr senden?",
    "confirm_cancel": "Möchten Sie abbrechen, was wir gerade tun?",
    "confirm_yes": "Ja",
    "confirm_no": "Nein",
    "confirm_declined": "In Ordnung, nichts geändert.",
    "confirm_continue": "In Ordnung, machen wir weiter.",
    "button_people": "Wer trägt was",
    "button_expiring": "Läuft bald ab",
    "button_membership": "Mitgliedschaft",
}
