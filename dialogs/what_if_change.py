"""Which of R15's three changes a what-if question asks about: someone leaves, earns or loses a credential."""

from __future__ import annotations

from dialogs.text_normalization import tokenize
from services.domain.what_if import ChangeKind

# Folded word forms (umlauts as ae/oe/ue): "loses", "verliert", "abgelaufen" …
LOSING = frozenset(
    "lose loses losing lost drop drops dropped expire expires expired lapse lapses "
    "verliert verlieren verloren verlöre verloere ablaufen ablaeuft abgelaufen laeuft verfaellt verfallen".split()
)


def change_kind(text: str | None, credential: str | None) -> ChangeKind:
    """With a credential named, losing words mean "loses" and anything else "earns"; without one, "leaves"."""
    if credential is None:
        return "leaves"
    return "loses" if LOSING.intersection(tokenize(text or "")) else "earns"
