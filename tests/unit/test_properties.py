"""Properties that must hold for any organisation: monotonicity and determinism."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from services.domain.evaluation import Evaluator
from services.domain.organization import evaluate_organization
from services.domain.snapshot import Achievement, MsaLink, OrganizationSnapshot, Person
from tests.builders import NOW, catalog, competency, metric, option, people

CODES = ["A", "B", "C", "D", "E"]
CATALOG = catalog(
    competency("any", option("o", silver=[people(1, any_of=["A", "B"])], gold=[people(3, any_of=["A", "B"])])),
    competency("sets", option("o", silver=[people(2, all_of=["C"], one_of_sets=[["A", "B"], ["D"]])])),
    competency("among", option("o", silver=[people(3, any_of=["A", "C"], and_among_them={"count": 2, "any_of": ["E"]})])),
    competency("mixed", option("o", silver=[metric("usd", 100), people(1, all_of=["D", "E"])])),
)

hours = st.integers(min_value=-24 * 400, max_value=24 * 30)
achievements = st.builds(
    lambda person, code, earned, expires: (person, code, earned, expires),
    st.integers(0, 5),
    st.sampled_from(CODES),
    hours,
    st.one_of(st.none(), hours),
)


def snapshot_of(links: list[int], entries: list[tuple[int, str, int, int | None]], leavers: set[int]) -> OrganizationSnapshot:
    persons = tuple(Person(f"p{i}", f"P{i}", left_on=(NOW.date() - timedelta(days=1)) if i in leavers else None) for i in range(6))
    link_rows = tuple(MsaLink(f"p{i}", f"m{i}", NOW + timedelta(hours=h)) for i, h in enumerate(links))
    rows = tuple(
        Achievement(f"m{p}", code, NOW + timedelta(hours=earned), None if expires is None else NOW + timedelta(hours=earned + abs(expires) + 1))
        for p, code, earned, expires in entries
    )
    return OrganizationSnapshot("o", "O", "t", people=persons, links=link_rows, achievements=rows)


def currents(snapshot: OrganizationSnapshot) -> list[float]:
    assessment = Evaluator(snapshot, CATALOG).assess(NOW)
    return [r.current for c in assessment.competencies for lv in c.levels.values() for o in lv.options for r in o.requirements]


link_hours = st.lists(st.integers(-24 * 400, 24 * 10), min_size=6, max_size=6)


@settings(max_examples=150, deadline=None)
@given(link_hours, st.lists(achievements, max_size=25), achievements)
def test_adding_an_achievement_never_lowers_any_requirements_current(links, entries, extra):
    before = currents(snapshot_of(links, entries, set()))
    after = currents(snapshot_of(links, entries + [extra], set()))

    assert all(a >= b for a, b in zip(after, before)), (before, after)


@settings(max_examples=150, deadline=None)
@given(link_hours, st.lists(achievements, max_size=25), st.integers(0, 5))
def test_marking_a_person_as_a_leaver_never_raises_any_requirements_current(links, entries, leaver):
    before = currents(snapshot_of(links, entries, set()))
    after = currents(snapshot_of(links, entries, {leaver}))

    assert all(a <= b for a, b in zip(after, before)), (before, after)


@settings(max_examples=60, deadline=None)
@given(link_hours, st.lists(achievements, max_size=25), st.sets(st.integers(0, 5)))
def test_the_same_inputs_and_moment_give_the_same_result(links, entries, leavers):
    snapshot = snapshot_of(links, entries, leavers)
    snapshot = replace(snapshot, membership=None)
    shuffled = replace(snapshot, achievements=tuple(reversed(snapshot.achievements)), links=tuple(reversed(snapshot.links)))

    first = evaluate_organization(snapshot, CATALOG, NOW)
    second = evaluate_organization(snapshot, CATALOG, NOW)
    third = evaluate_organization(shuffled, CATALOG, NOW)

    assert first.assessment == second.assessment
    assert currents(snapshot) == currents(shuffled)
    assert [(o.competency_id, o.option_id) for o in first.upgrade_options] == [(o.competency_id, o.option_id) for o in third.upgrade_options]
