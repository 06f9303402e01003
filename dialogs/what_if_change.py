"""Which of R15's three changes a what-if question asks about: someone leaves, earns or loses a credential."""

from __future__ import annotations

from dialogs.text_normalization import tokenize
from services.domain.what_if import ChangeKind

# Folded word forms (umlauts as ae/oe/ue).
LOSING = frozenset(
    "lose loses losing lost drop drops dropped expire expires expired lapse lapses "
    "verliert verlieren verloren verloere ablaufen ablaeuft abgelaufen laeuft verfaellt verfallen".split()
)
EARNING = frozenset(
    "pass passes passed passing earn earns earned earning get gets got gain gains achieve achieves "
    "complete completes take takes obtain obtains certify certified "
    "besteht bestehen bestanden erwirbt erwerben erworben macht machen gemacht schafft schaffen erlangt "
    "erhaelt bekommt ablegt".split()
)


def change_kind(text: str | None, credential: str | None) -> ChangeKind:
    """Losing words mean "loses", earning words (or a credential named) "earns", anything else "leaves".
    Earning or losing without a credential is still that kind: the dialog then asks which credential."""
    words = set(tokenize(text or ""))
    if LOSING & words:
        return "loses"
    if EARNING & words or credential is not None:
        return "earns"
    return "leaves"
