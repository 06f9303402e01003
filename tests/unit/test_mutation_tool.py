"""`tools/mutation.py --paths`: source paths become mutmut's mutant-name patterns, and the report keeps to them."""

from __future__ import annotations

from tools import mutation


def test_a_module_or_a_folder_becomes_the_mutant_names_under_it():
    assert mutation.mutant_patterns(["services/domain/renewal.py", "bot/proactive/"]) == ["services.domain.renewal.*", "bot.proactive.*"]


def test_the_report_keeps_to_the_paths_asked_for():
    assert mutation.within("services/domain/renewal.py", ["services/domain/renewal.py"])
    assert mutation.within("services/domain/renewal.py", ["services/domain"])
    assert mutation.within("services/domain/renewal.py", None)
    assert not mutation.within("services/domain/renewal_extra.py", ["services/domain/renewal.py"])
    assert not mutation.within("services/domainx/a.py", ["services/domain/"])
