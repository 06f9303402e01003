"""Any catalog the dataset schema accepts can be evaluated, reported and scanned for alerts (issue 8).

Catalogs are generated across the schema's whole range (its new maxima included, integers written as
`12.0`, thresholds up to the largest number a dataset may hold, retirement dates up to 9999-12-31)
and judged against one organisation whose people, links, achievements and metrics use the
catalog's own codes, so every requirement kind has something to count."""

from __future__ import annotations

import json
from datetime import date, timedelta

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dialogs.cards import progress_reply, renewal_reply, upgrade_reply
from services.dataset_validation import MAX_NUMBER, validate_dataset
from services.domain.alert_causes import find_alert_causes
from services.domain.catalog import parse_catalog
from services.domain.organization import evaluate_organization
from services.domain.scan_validity import findings_valid_until
from services.domain.snapshot import Achievement, HeldLevel, Membership, MetricValue, MsaLink, OrganizationSnapshot, Override, Person
from services.domain.validity import next_change
from services.reporting import evaluation_json
from tests.builders import NOW

CODES = ("AZ-104", "AZ-305", "PL-300", "SC-200", "DA-1")
METRICS = ("usd", "seats")
texts = st.text(st.characters(codec="utf-8", exclude_categories=("Cs",)), min_size=1, max_size=12)
ids = st.text("abcdefghij-", min_size=1, max_size=8)
localized = st.one_of(texts, st.fixed_dictionaries({"en": st.text(max_size=8)}, optional={"de": st.text(max_size=8)}))
days = st.one_of(st.dates(min_value=date(1, 1, 1), max_value=date(9999, 12, 31)), st.sampled_from([date(1, 1, 1), date(9999, 6, 1), date(9999, 12, 31)])).map(date.isoformat)


def whole(low: int, high: int) -> st.SearchStrategy:
    """A JSON integer as the schema counts it: `12` or `12.0`."""
    return st.integers(low, high).flatmap(lambda n: st.sampled_from([n, float(n)]))


amounts = st.one_of(whole(0, MAX_NUMBER), st.floats(0, MAX_NUMBER), st.sampled_from([0, 1, 15000, MAX_NUMBER]))
threshold = st.one_of(amounts, st.fixed_dictionaries({"developed": amounts, "developing": amounts}))
codes = st.lists(st.sampled_from(CODES), min_size=1, max_size=3, unique=True)
counts = st.one_of(whole(1, 5), whole(1, MAX_NUMBER))

individuals = st.fixed_dictionaries(
    {"kind": st.just("individuals"), "count": counts},
    optional={
        "all_of": codes,
        "any_of": codes,
        "one_of_sets": st.lists(codes, min_size=1, max_size=2),
        "and_among_them": st.fixed_dictionaries({"count": counts, "any_of": codes}),
    },
).filter(lambda r: {"all_of", "any_of", "one_of_sets"} & set(r))
metric_requirement = st.fixed_dictionaries(
    {"kind": st.just("metric"), "metric": st.sampled_from(METRICS), "min": threshold},
    optional={"aggregate": st.sampled_from(["sum", "latest"]), "window_months": whole(1, 36)},
)
requirements = st.lists(st.one_of(individuals, metric_requirement), max_size=3)
option = st.fixed_dictionaries(
    {"id": ids, "name": localized, "levels": st.fixed_dictionaries({}, optional={"silver": requirements, "gold": requirements}).filter(bool)}
)
competency = st.fixed_dictionaries(
    {"id": ids, "name": localized, "options": st.lists(option, min_size=1, max_size=2, unique_by=lambda o: o["id"])},
    optional={"aliases": st.lists(texts, max_size=2)},
)
credential = st.fixed_dictionaries(
    {"code": st.sampled_from(CODES), "title": localized, "kind": st.sampled_from(["certification", "exam", "assessment"])},
    optional={"retired_on": days},
)
setting_values = st.fixed_dictionaries(
    {},
    optional={
        "visibility_delay_hours": st.one_of(whole(0, 8760), st.floats(0, 8760)),
        "renewal_warning_days": whole(1, 730),
        "override_days": whole(1, 730),
        "retired_grace_months": whole(0, 120),
        "max_links_per_year": st.one_of(st.none(), whole(1, 365)),
        "link_cooldown_days": st.one_of(st.none(), whole(0, 3650)),
    },
)
designation_metric = st.fixed_dictionaries(
    {
        "id": ids,
        "category": st.sampled_from(["performance", "skilling", "customer_success"]),
        "max_points": st.floats(min_value=0, max_value=100, exclude_min=True),
        "full_at": st.one_of(st.floats(min_value=0, max_value=MAX_NUMBER, exclude_min=True), st.just(5e-324)),
        "source": st.one_of(
            st.fixed_dictionaries({"kind": st.just("individuals"), "any_of": codes}),
            st.fixed_dictionaries(
                {"kind": st.just("metric"), "metric": st.sampled_from(METRICS)},
                optional={"aggregate": st.sampled_from(["sum", "latest"]), "window_months": whole(1, MAX_NUMBER)},
            ),
        ),
    },
    optional={"gates": st.lists(st.fixed_dictionaries({"count": counts, "any_of": codes}), max_size=2)},
)
designation = st.fixed_dictionaries(
    {
        "id": ids,
        "name": localized,
        "tracks": st.lists(st.fixed_dictionaries({"id": ids, "metrics": st.lists(designation_metric, min_size=1, max_size=3)}), min_size=1, max_size=2),
    },
    optional={"qualify_at": st.one_of(st.floats(-MAX_NUMBER, MAX_NUMBER), whole(0, 100)), "all_metrics_positive": st.booleans()},
)


@st.composite
def catalogs(draw) -> dict:
    competencies = draw(st.lists(competency, min_size=1, max_size=3, unique_by=lambda c: c["id"]))
    specialization = st.fixed_dictionaries(
        {"id": ids, "name": localized, "requires_gold": st.sampled_from([c["id"] for c in competencies]), "requirements": requirements},
        optional={"audit_required": st.booleans()},
    )
    return draw(
        st.fixed_dictionaries(
            {"version": ids, "competencies": st.just(competencies)},
            optional={
                "effective_from": days,
                "settings": setting_values,
                "credentials": st.lists(credential, max_size=5, unique_by=lambda c: c["code"]),
                "specializations": st.lists(specialization, max_size=2, unique_by=lambda s: s["id"]),
                "designations": st.lists(designation, max_size=2, unique_by=lambda d: d["id"]),
            },
        )
    )


def organisation(catalog_document: dict, override_ends: date | None = None) -> OrganizationSnapshot:
    """Five people, one of them gone, each holding two of the codes (one pending, one expiring
    within the warning window), a year of both metrics, and every competency held at Silver; with
    `override_ends`, an override of the first competency's first option and level up to that day."""
    people = tuple(Person(f"p{i}", f"Person {i}", left_on=NOW.date() - timedelta(days=3) if i == 4 else None) for i in range(5))
    links = tuple(MsaLink(f"p{i}", f"m{i}@outlook.example", NOW - timedelta(days=200 - i)) for i in range(5))
    achievements = tuple(
        Achievement(f"m{i}@outlook.example", CODES[(i + shift) % len(CODES)], NOW - timedelta(hours=1 if shift else 24 * 100), NOW + timedelta(days=30 + i) if shift == 0 else None)
        for i in range(5)
        for shift in (0, 1)
    )
    months = [f"{NOW.year - (m >= NOW.month)}-{(NOW.month - m - 1) % 12 + 1:02d}" for m in range(12)]
    metrics = tuple(MetricValue(name, month, 12_500.0) for name in METRICS for month in months)
    held = tuple(HeldLevel(c["id"], "silver") for c in catalog_document["competencies"])
    overrides: tuple[Override, ...] = ()
    if override_ends is not None:
        first = catalog_document["competencies"][0]["options"][0]
        overrides = (Override(catalog_document["competencies"][0]["id"], first["id"], next(iter(first["levels"])), NOW.date() - timedelta(days=10), override_ends),)
    return OrganizationSnapshot(
        "org", "Org", "tenant", membership=Membership("gold", NOW.date() + timedelta(days=60)), held=held,
        people=people, links=links, achievements=achievements, metrics=metrics, overrides=overrides,
    )


override_ends = st.one_of(st.none(), st.sampled_from([date.max, NOW.date() + timedelta(days=7)]), st.dates(min_value=NOW.date(), max_value=date.max))


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(catalogs(), st.sampled_from([None, "silver", "gold"]), st.sampled_from(["en", "de"]), override_ends)
def test_any_catalog_the_schema_accepts_is_evaluated_reported_and_scanned_without_an_exception(raw, level, language, ends_on):
    validate_dataset({"catalog": raw})  # generated within the schema: it must pass both stages
    catalog = parse_catalog(raw)
    snapshot = organisation(raw, ends_on)  # an override up to any day, 9999-12-31 included

    evaluation = evaluate_organization(snapshot, catalog, NOW, level)
    causes = find_alert_causes(evaluation)
    report = json.dumps(evaluation_json(evaluation), allow_nan=False)  # `progress --json` stays JSON
    progress_reply(evaluation, level or "gold", language)
    upgrade_reply(evaluation, language)
    renewal_reply(evaluation, language)
    valid_until = next_change(snapshot, catalog, NOW)
    assert valid_until > NOW
    assert findings_valid_until(evaluation, valid_until) > NOW
    assert all(cause.key for cause in causes)
    assert json.loads(report)["organization"] == "org"
