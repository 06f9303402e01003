"""dialogs/cards/progress.py `ProgressReplies`: a progress card rendered once per cached evaluation and
minute is the card `progress_reply` renders at that moment."""

from __future__ import annotations

import dataclasses
import gc
import weakref
from datetime import timedelta
from zoneinfo import ZoneInfo

from dialogs.cards import progress_reply
from dialogs.cards.progress import ProgressReplies
from services.demo_dataset import CONTOSO_ID, FABRIKAM_ID
from tests.unit.test_cards import NOW, evaluate

BERLIN = ZoneInfo("Europe/Berlin")


def test_a_later_moment_in_the_same_minute_gets_the_same_reply_which_is_the_fresh_rendering():
    replies = ProgressReplies()
    cached = evaluate(CONTOSO_ID)
    first = replies(dataclasses.replace(cached, as_of=NOW + timedelta(seconds=1)), "gold", "en")
    later = dataclasses.replace(cached, as_of=NOW + timedelta(seconds=40))

    again = replies(later, "gold", "en")

    assert again is first
    assert again == progress_reply(later, "gold", "en")


def test_another_minute_renders_anew_with_its_own_as_of_line():
    replies = ProgressReplies()
    cached = evaluate(CONTOSO_ID)
    first = replies(cached, "gold", "en")
    later = dataclasses.replace(cached, as_of=NOW + timedelta(minutes=2))

    again = replies(later, "gold", "en")

    assert again is not first and again != first
    assert again == progress_reply(later, "gold", "en")


def test_another_evaluation_level_language_or_zone_is_rendered_for_itself():
    replies = ProgressReplies()
    contoso = evaluate(CONTOSO_ID)
    replies(contoso, "gold", "en")

    for evaluation, level, language, zone in [
        (evaluate(CONTOSO_ID), "gold", "en", None),  # judged again (new data): a new evaluation
        (evaluate(FABRIKAM_ID), "gold", "en", None),
        (contoso, "silver", "en", None),
        (contoso, "gold", "de", None),
        (contoso, "gold", "en", BERLIN),
    ]:
        assert replies(evaluation, level, language, zone) == progress_reply(evaluation, level, language, zone)  # type: ignore[arg-type]


def test_it_keeps_at_most_its_size():
    replies = ProgressReplies(size=2)
    evaluations = [evaluate(CONTOSO_ID) for _ in range(3)]
    for evaluation in evaluations:
        replies(evaluation, "gold", "en")

    assert len(replies._replies) == 2
    assert replies(evaluations[0], "gold", "en") == progress_reply(evaluations[0], "gold", "en")


def test_a_kept_reply_does_not_keep_its_evaluation_alive():
    replies = ProgressReplies()
    evaluation = evaluate(CONTOSO_ID)
    replies(evaluation, "gold", "en")
    assessment = weakref.ref(evaluation.assessment)

    del evaluation
    gc.collect()

    assert assessment() is None
