"""Every English sentence the bot says: `str.format` templates keyed like `dialogs.messages.de`."""

from __future__ import annotations

MESSAGES: dict[str, str] = {
    # --- conversation -------------------------------------------------------------------------
    "welcome": (
        "Hello! I keep track of your organisation's progress toward Microsoft competencies. "
        "Say \"help\" to see what I can do."
    ),
    "help_title": "What I can do",
    "help": (
        "- \"link my MSA\": link the Microsoft account that holds your certifications, so they count for your organisation\n"
        "- \"my achievements\": your linked accounts, certifications and assessments, and what they count toward\n"
        "- \"what's our Gold progress?\": each competency's requirements, current against required (admins)\n"
        "- \"upgrade options\": what is missing for the next level, and who is closest (admins)\n"
        "- \"is our renewal at risk?\": each held competency at the anniversary, why, and how to fix it (admins)\n"
        "- \"alerts off\" / \"alerts on\": stop or resume renewal alerts (admins)\n"
        "- \"cancel\": leave whatever we are doing"
    ),
    "not_registered": (
        "Sorry, you are not registered for any partner organisation, so I cannot answer that. "
        "Please ask your organisation's administrator to add you."
    ),
    "admins_only": (
        "Only your organisation's admins can see that. Say \"my achievements\" to see your own."
    ),
    "cancelled": "Cancelled. What else can I do for you?",
    "nothing_to_cancel": "There is nothing to cancel.",
    "unknown_intent": "Sorry, I didn't understand that. Say \"help\" to see what I can do.",
    "error_apology": "Sorry, something went wrong on my side. Please try again in a moment.",
    # --- linking a Microsoft account ----------------------------------------------------------
    "sign_in_title": "Sign in",
    "sign_in_prompt": "Please sign in with the Microsoft account (MSA) that holds your certifications.",
    "sign_in_failed": "The sign-in did not complete, so nothing was linked. Say \"link my MSA\" to try again.",
    "link_confirm_dissolve": (
        "The Microsoft account {msa} currently counts for another organisation, {organization}. "
        "Linking it here dissolves that association at once. Continue?"
    ),
    "link_confirm_yes": "Yes, link it here",
    "link_confirm_no": "No, keep it there",
    "link_kept": "OK, nothing changed: {msa} still counts for {organization}.",
    "link_done": "Linked {msa}. Your achievements on it count for your organisation from {counts_from}.",
    "link_already": "{msa} is already linked to your account.",
    "link_refused_cooldown": (
        "This Microsoft account was linked to an organisation only recently. It can be linked again from {date}."
    ),
    "link_refused_yearly": (
        "This Microsoft account has been linked as often as allowed this year. It can be linked again from {date}."
    ),
    "graph_failed": "I could not read your Microsoft account's details, so nothing was linked. Please try again later.",
    # --- alerts -------------------------------------------------------------------------------
    "alerts_off_done": "Alerts are off. I won't send you renewal alerts until you say \"alerts on\".",
    "alerts_on_done": "Alerts are on. I'll tell you when a change puts your renewal at risk.",
    "alert_title": "Competency alert for {organization}",
    "alert_what_changed": "What changed: {cause}",
    "alert_level_at_risk": "{competency} {level} would not be met on {date}.",
    "alert_membership_at_risk": "Your {level} membership renewal on {date} is at risk.",
    "alert_upgrade_available": "Good news: {organization} now meets {level} in at least one competency, so the membership can be upgraded from {membership} to {level}.",
    "alert_override_ends": "The Microsoft support override for {competency} {level} via {option} ends on {date}.",
    "alert_renewal_at_risk": (
        "A recent change to your competency achievement has put your membership renewal eligibility at risk"
    ),
    # --- alerts that say what happened (R16) ---------------------------------------------------
    "alert_level_at_risk_headline": "A recent change to your competency achievement has put a held competency at risk at renewal",
    "alert_membership_safe": "Your {level} membership renewal on {date} is not at risk: another held competency still meets {level}.",
    "alert_membership_at_risk_otherwise": "Your {level} membership renewal on {date} is at risk for other reasons too; see the renewal status.",
    "alert_who_could_fill": "Who could fill the gap",
    "alert_unexplained_membership_headline": "Your membership renewal eligibility is at risk",
    "alert_unexplained_level_headline": "A held competency is at risk at renewal",
    "alert_why": "Why: {cause}",
    "alert_upgrade_meets": "{competency} meets {level} via {option}",
    "alert_override_after_met": "Afterwards {competency} {level} is still met: {option} meets its requirements without the override.",
    "alert_override_after_other": "Afterwards {competency} {level} is still met, via {option}.",
    "alert_override_after_not_met": "Afterwards {competency} {level} is no longer met.",
    "alert_override_needs": "To meet it without the override, via {option}: {needs}",
    "cause_unexplained": "{shortfall}. No change in your organisation's data explains this; the requirements themselves may have changed.",
    "fix_for": "Cheapest fix for {competency} {level}, via {option}: {needs}",
    "fix_none_for": "{competency} {level}: no option can be met by then with what is known today.",
    "figure_people_one": "{current} of {required} person",
    "cause_people_short_one": "Only {current} of {required} people qualifies",
    "alert_upgrade_available_new": "Good news: {organization} now meets {level} in at least one competency, so a {level} membership can be bought.",
    "closest_person_only": "{person} needs only {needs}",
    "counts_toward_if_renewed": "Renewed, it would count toward: {competencies}",
    "counts_toward_if_linked": "Linked again, it would count toward: {competencies}",
    # --- words --------------------------------------------------------------------------------
    "level_silver": "Silver",
    "level_gold": "Gold",
    "level_none": "none",
    "met": "met",
    "not_met": "not met",
    "word_and": "and",
    "word_or": "or",
    "more_codes": "{count} others",
    "list_separator": ", ",
    # --- progress -----------------------------------------------------------------------------
    "progress_title": "{level} progress for {organization}",
    "membership_line": "Membership: {level} until {date}",
    "membership_none": "No membership",
    "as_of": "As of {when}",
    "eligible_line": "Today the requirements for {level} membership are met.",
    "eligible_none": "Today the requirements for no membership level are met.",
    "held_badge": "Held: {level}",
    "at_risk": "At risk at renewal",
    "safe": "Safe at renewal",
    "level_status": "{level}: {status}",
    "via_option": "via {option}",
    "via_option_best_of": "via {option} (best of {count} options)",
    "override_until": "Met through a Microsoft support override until {date}",
    "requirement_people": "Certified people ({what})",
    "requirement_metric_sum": "{metric} (last {months} months)",
    "requirement_metric_latest": "{metric} (latest month)",
    "figure_people": "{current} of {required} people",
    "figure_metric": "{current} of {required}",
    "figure_status": "{figure} ({status})",
    "among_note": "{current} of {required} of them also hold {what}",
    "pending_count": "pending: {count}",
    "pending_note": "pending: {count}, counting from {when}",
    "pending_note_range": "pending: {count}, counting from {first} to {last}",
    "progress_nothing": "No competency has any progress toward {level} yet.",
    "more_competencies_one": "1 more competency without progress toward {level}",
    "more_competencies": "{count} more competencies without progress toward {level}",
    "not_shown": "{count} more competencies with progress are not shown here; ask for upgrade options.",
    # --- upgrade options ----------------------------------------------------------------------
    "upgrade_title": "Upgrade options toward {level}",
    "upgrade_intro": "Ranked by what is still missing, closest first.",
    "upgrade_none": "Every competency already meets {level}.",
    "upgrade_heading": "{competency} via {option}",
    "upgrade_line": "{heading}: {needs}",
    "more_person": "1 more certified person ({what})",
    "more_people": "{count} more certified people ({what})",
    "more_among": "{count} of them also holding {what}",
    "more_metric": "{amount} more {metric}",
    "covered_by_pending": "nothing more is needed once the pending achievements count",
    "closest_title": "Closest people",
    "closest_person": "{person} holds {holds}; still needs {needs}",
    "closest_person_needs": "{person} still needs {needs}",
    "pending_person": "{person} counts from {when}",
    "more_options_one": "1 more option, further away",
    "more_options": "{count} more options, further away",
    # --- renewal ------------------------------------------------------------------------------
    "renewal_title": "Renewal status",
    "renewal_membership": "Your {level} membership expires on {date}.",
    "renewal_at_risk_sentence": (
        "Renewing at {level} is at risk: on {date} no held competency would still meet {level}."
    ),
    "renewal_safe_sentence": "Renewing at {level} is safe: on {date} a held competency still meets {level}.",
    "renewal_expired": "Your {level} membership expired on {date}.",
    "renewal_no_membership": "Your organisation has no membership to renew.",
    "renewal_nothing_held": "Your organisation holds no competency that could be at risk.",
    "held_level_safe": "{competency} {level}: safe on {date}",
    "held_level_at_risk": "{competency} {level}: at risk on {date}",
    "cause_leaver": "{person} left on {date}",
    "cause_leaving": "{person} leaves on {date}",
    "cause_expiring": "{person}'s {credential} expires on {date}",
    "cause_retiring": "{person}'s {credential} is retired and stops counting on {date}",
    "cause_msa_moved": "{person}'s Microsoft account, which holds {credential}, counts for another organisation since {date}",
    "cause_override_ends": "The Microsoft support override for {option} ends on {date}",
    "cause_metric_below": "{metric}: {current}, below the required {required}",
    "cause_people_short": "Only {current} of {required} people qualify",
    "cause_people_none": "No one qualifies; {required} needed",
    "more_causes": "{count} more causes",
    "fix": "Cheapest fix via {option}: {needs}",
    "fix_none": "No option can be met by then with what is known today.",
    # --- achievements -------------------------------------------------------------------------
    "achievements_title": "Your achievements",
    "accounts_title": "Linked Microsoft accounts",
    "account_line": "{msa} ({purpose}), linked on {date}",
    "account_moved": "{msa}: no longer counts here, it was linked to another organisation",
    "purpose_certifications": "certifications and exams",
    "purpose_partner_university": "Partner University assessments",
    "purpose_both": "certifications and assessments",
    "achievement_line": "{credential}: {status}",
    "status_counts": "counts",
    "status_counts_expires": "counts, expires on {date}",
    "status_pending": "pending until {when}",
    "status_expired": "expired on {date}",
    "status_not_linked": "no longer linked",
    "status_left": "no longer counts: left the organisation",
    "counts_toward": "Counts toward: {competencies}",
    "counts_toward_nothing": "Not required by any competency",
    "competency_levels": "{competency} ({levels})",
    "no_achievements": "No certifications, exams or assessments were found on your linked Microsoft accounts yet.",
    "no_accounts": (
        "You have not linked a Microsoft account yet. Say \"link my MSA\" to link the one that holds your certifications."
    ),
    # --- buttons ------------------------------------------------------------------------------
    "button_renewal": "Show renewal status",
    "button_mute": "Mute alerts",
    "button_upgrade": "Upgrade options",
    "button_progress": "Progress",
    "button_progress_level": "{level} progress",
    "button_achievements": "My achievements",
    "button_link": "Link my Microsoft account",
}
