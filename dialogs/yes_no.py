"""Yes or no, in English and German, decided the same way on every run.

botbuilder's ConfirmPrompt reads German answers through recognizers-text, whose result for "ja"
depends on the interpreter's hash seed (seen as "ja" taken for "no" in some processes): a confirmation
that dissolves an MSA association cannot depend on that."""

from __future__ import annotations

from dialogs.messages import LANGUAGES
from dialogs.text_normalization import fold, strip_mentions, tokenize

YES = frozenset({"yes", "y", "yeah", "yep", "yup", "sure", "ok", "okay", "confirm", "ja", "jawohl", "jo", "klar", "gerne", "genau", "sicher", "bestaetigen"})
NO = frozenset({"no", "n", "nope", "nah", "nein", "nee", "noe", "nicht"})


def _button_titles(key: str) -> set[str]:
    return {fold(messages[key]) for messages in LANGUAGES.values()}


def yes_or_no(text: str | None) -> bool | None:
    """True for yes, False for no, None when the answer is neither (or both)."""
    if not text:
        return None
    folded = fold(strip_mentions(text)).strip(" .!")
    if folded in _button_titles("link_confirm_yes"):
        return True
    if folded in _button_titles("link_confirm_no"):
        return False
    words = set(tokenize(folded))
    yes, no = bool(words & YES), bool(words & NO)
    return yes if yes != no else None
