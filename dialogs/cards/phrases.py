"""How domain results read in words, in one language: the shared vocabulary of every card.

Names as people know them (SPEC 1): a credential is named by its catalog title; an exam or
certification whose code is an exam number (AZ-104, 70-347) is known by that number, so lists show
the number and single mentions show the title with the number beside it; an assessment or a
certification whose code is only an id (`mcsa-office-365`) is always named by its title. Long lists
are cut to the credentials most useful to the reader: those someone in the organisation already
holds first, then credentials that are not retired, then the rest alphabetically.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from datetime import date, datetime, tzinfo

from dialogs import formatting
from dialogs.messages import text
from services.bundled_catalog import metric_name
from services.domain.catalog import Catalog, IndividualsRequirement, MetricRequirement
from services.domain.organization import OrganizationEvaluation
from services.domain.renewal import RiskCause
from services.domain.requirements import ClosePerson, RequirementResult
from services.domain.upgrades import UpgradeOption

CODES_SHOWN = 4  # longer lists end in "or N others"
GROUPS_SHOWN = 3
EXAM_NUMBER = re.compile(r"[A-Z]{2}-\d{3}|\d{2}-\d{3}")  # AZ-104, MS-700, 70-347: what people call the exam


def is_exam_number(code: str) -> bool:
    return EXAM_NUMBER.fullmatch(code) is not None


def sentence(phrase: str) -> str:
    """Capitalise a phrase that starts a sentence ("new Office 365 customers is 14" → "New …")."""
    return phrase[:1].upper() + phrase[1:]


class Phrasebook:
    def __init__(
        self,
        language: str,
        catalog: Catalog,
        names: Mapping[str, str] | None = None,
        familiar_codes: Iterable[str] = (),
        moment: datetime | None = None,
        zone: tzinfo | None = None,
    ):
        self.language = language
        self.catalog = catalog
        self._names = dict(names or {})
        self._familiar = frozenset(familiar_codes)
        self.moment = moment  # "now" of the evaluation: past or future tense for dated causes
        self.zone = zone  # the reader's time zone; None: times in UTC, labelled

    @classmethod
    def for_evaluation(cls, evaluation: OrganizationEvaluation, language: str, zone: tzinfo | None = None) -> Phrasebook:
        return cls(language, evaluation.catalog, evaluation.people_names, evaluation.assessment.held_codes, evaluation.moment, zone)

    # --- words ----------------------------------------------------------------------------------

    def say(self, key: str, **values: object) -> str:
        return text(self.language, key, **values)

    def level(self, level: str | None) -> str:
        return self.say(f"level_{level or 'none'}")

    def competency(self, competency_id: str) -> str:
        competency = self.catalog.competency(competency_id)
        return competency.name.text(self.language) if competency else competency_id

    def option(self, competency_id: str, option_id: str) -> str:
        option = self.catalog.option(competency_id, option_id)
        return option.name.text(self.language) if option else option_id

    def person(self, person_id: str | None) -> str:
        return self._names.get(person_id or "", person_id or "?")

    def credential(self, code: str | None) -> str:
        """One credential on its own: "Enabling Office 365 Services (70-347)", "MCSA: Office 365"."""
        code = code or "?"
        title = self.catalog.credential_title(code, self.language)
        if is_exam_number(code) and title != code and code not in title:
            return f"{title} ({code})"
        return title

    def credential_in_list(self, code: str) -> str:
        """A credential among others: its exam number if it has one, else its title."""
        return code if is_exam_number(code) else self.catalog.credential_title(code, self.language)

    def date(self, day: date | datetime | None) -> str:
        return formatting.date_text(day, self.language, self.zone) if day is not None else "?"

    def when(self, moment: datetime) -> str:
        return formatting.datetime_text(moment, self.language, self.zone)

    def count(self, value: float) -> str:
        return formatting.number(value, self.language)

    def metric(self, metric_id: str) -> str:
        """The catalog's name of a metric, else the bundled catalog's, else the id in words."""
        return metric_name(self.catalog, metric_id, self.language)

    def metric_value(self, metric_id: str, value: float) -> str:
        return formatting.metric_value(metric_id, value, self.language)

    def join(self, items: Sequence[str], conjunction: str) -> str:
        """"a", "a and b", "a, b and c" (or "oder"/"or")."""
        if len(items) <= 1:
            return "".join(items)
        return f"{self.say('list_separator').join(items[:-1])} {self.say(conjunction)} {items[-1]}"

    # --- credentials ----------------------------------------------------------------------------

    def _rank(self, code: str) -> tuple[bool, bool, str]:
        credential = self.catalog.credentials.get(code)
        retired = credential is not None and credential.retired_on is not None
        return (code not in self._familiar, retired, code.casefold())

    def _shortened(self, items: list[str], limit: int) -> list[str]:
        if len(items) <= limit + 1:
            return items
        return items[:limit] + [self.say("more_codes", count=len(items) - limit)]

    def any_of(self, codes: Iterable[str]) -> str:
        ordered = [self.credential_in_list(c) for c in sorted(set(codes), key=self._rank)]
        return self.join(self._shortened(ordered, CODES_SHOWN), "word_or")

    def all_of(self, codes: Iterable[str]) -> str:
        return self.join([self.credential_in_list(c) for c in sorted(set(codes), key=self._rank)], "word_and")

    def one_of_groups(self, groups: Iterable[Iterable[str]]) -> str:
        """Alternative sets: "70-767 + 70-768, 70-773 + 70-774 or 70-475 + 70-775"."""
        ordered = sorted((sorted(group, key=self._rank) for group in groups), key=lambda g: (min(self._rank(c) for c in g), len(g)))
        named = [" + ".join(self.credential_in_list(c) for c in group) for group in ordered]
        return self.join(self._shortened(named, GROUPS_SHOWN), "word_or")

    def _conjoin(self, parts: list[str]) -> str:
        """Parts that are alternatives get parentheses once they sit beside another part."""
        if len(parts) > 1:
            marker = f" {self.say('word_or')} "
            parts = [f"({part})" if marker in part else part for part in parts]
        return self.join(parts, "word_and")

    def holding(self, requirement: IndividualsRequirement) -> str:
        """What one person must hold to count (R2), without `and_among_them`."""
        parts = []
        if requirement.all_of:
            parts.append(self.all_of(requirement.all_of))
        if requirement.any_of:
            parts.append(self.any_of(requirement.any_of))
        if requirement.one_of_sets:
            parts.append(self.one_of_groups(requirement.one_of_sets))
        return self._conjoin(parts)

    # --- requirements ---------------------------------------------------------------------------

    def requirement_label(self, result: RequirementResult) -> str:
        requirement = result.requirement
        if isinstance(requirement, MetricRequirement):
            key = "requirement_metric_sum" if requirement.aggregate == "sum" else "requirement_metric_latest"
            return sentence(self.say(key, metric=self.metric(requirement.metric), months=requirement.window_months))
        return self.say("requirement_people", what=self.holding(requirement))

    def figure(self, result: RequirementResult) -> str:
        requirement = result.requirement
        if isinstance(requirement, MetricRequirement):
            shown = self.say(
                "figure_metric",
                current=self.metric_value(requirement.metric, result.current),
                required=self.metric_value(requirement.metric, result.required),
            )
        else:
            key = "figure_people_one" if result.required == 1 else "figure_people"
            shown = self.say(key, current=self.count(result.current), required=self.count(result.required))
        return self.say("figure_status", figure=shown, status=self.say("met" if result.met else "not_met"))

    def among(self, result: RequirementResult) -> str | None:
        requirement = result.requirement
        if not isinstance(requirement, IndividualsRequirement) or requirement.among is None:
            return None
        return self.say(
            "among_note",
            current=self.count(result.among_current),
            required=self.count(result.among_required),
            what=self.any_of(requirement.among.any_of),
        )

    def pending(self, result: RequirementResult) -> str | None:
        """"pending: 1, counting from …" for people who will count once the visibility delay passes (R3)."""
        if result.pending <= 0:
            return None
        times = sorted({p.counts_from for p in result.pending_people})
        count = self.count(result.pending)
        if not times:
            return self.say("pending_count", count=count)
        if len(times) == 1:
            return self.say("pending_note", count=count, when=self.when(times[0]))
        return self.say("pending_note_range", count=count, first=self.when(times[0]), last=self.when(times[-1]))

    def shortfall(self, result: RequirementResult) -> str | None:
        """What is still missing once pending items count (R13); None when nothing is."""
        requirement = result.requirement
        if result.missing <= 0:
            return None
        if isinstance(requirement, MetricRequirement):
            return self.say(
                "more_metric",
                amount=self.metric_value(requirement.metric, result.missing),
                metric=self.metric(requirement.metric),
            )
        assert isinstance(requirement, IndividualsRequirement)
        what = self.holding(requirement)
        if requirement.among is not None and result.among_current < result.among_required:
            among = self.say("more_among", count=self.count(result.among_required - result.among_current), what=self.any_of(requirement.among.any_of))
            what = f"{what}; {among}"
        if result.missing == 1:
            return self.say("more_person", what=what)
        return self.say("more_people", count=self.count(result.missing), what=what)

    def needs(self, option: UpgradeOption) -> str:
        """Everything an option still lacks, in catalog order: "1 more … and $12,000 more …"."""
        parts = [phrase for phrase in (self.shortfall(r) for r in option.shortfalls) if phrase]
        return self.join(parts, "word_and") if parts else self.say("covered_by_pending")

    def closest(self, person: ClosePerson) -> str:
        parts = []
        if person.needs_all_of:
            parts.append(self.all_of(person.needs_all_of))
        if person.needs_one_of:  # exactly what completes them: only the smallest of the alternatives
            fewest = min(len(group) for group in person.needs_one_of)
            parts.append(self.one_of_groups([group for group in person.needs_one_of if len(group) == fewest]))
        needs = self._conjoin(parts)
        if person.missing_count == 1:  # "Grace Mensah needs only 70-347"
            return self.say("closest_person_only", person=self.person(person.person_id), needs=needs)
        if not person.holds:
            return self.say("closest_person_needs", person=self.person(person.person_id), needs=needs)
        return self.say("closest_person", person=self.person(person.person_id), holds=self.all_of(person.holds), needs=needs)

    # --- renewal --------------------------------------------------------------------------------

    def cause(self, cause: RiskCause) -> str:
        """Why a held level would not be met at the anniversary, in plain words (R9, R10)."""
        person, when = self.person(cause.person_id), self.date(cause.when)
        if cause.kind == "leaver":
            future = cause.when is not None and self.moment is not None and cause.when > self.moment
            return self.say("cause_leaving" if future else "cause_leaver", person=person, date=when)
        if cause.kind in ("expiring", "retiring"):
            return self.say(f"cause_{cause.kind}", person=person, credential=self.credential(cause.code), date=when)
        if cause.kind == "msa_moved":
            return self.say("cause_msa_moved", person=person, credential=self.credential(cause.code), date=when)
        if cause.kind == "override_ends":
            return self.say("cause_override_ends", option=self.option(cause.competency_id, cause.option_id), date=when)
        if cause.kind == "metric_below":
            metric = cause.metric or "?"
            return sentence(
                self.say(
                    "cause_metric_below",
                    metric=self.metric(metric),
                    current=self.metric_value(metric, cause.current or 0),
                    required=self.metric_value(metric, cause.required or 0),
                )
            )
        if not cause.current:
            return self.say("cause_people_none", required=self.count(cause.required or 0))
        key = "cause_people_short_one" if cause.current == 1 else "cause_people_short"
        return self.say(key, current=self.count(cause.current), required=self.count(cause.required or 0))
