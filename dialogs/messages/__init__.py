"""Every user-facing sentence, in English and German (SPEC 1: "every reply, card and alert exists in both").

`MESSAGES` in `en` and `de` hold `str.format` templates under identical keys with identical
placeholders; a unit test keeps them in step. Dialogs and cards never spell out a sentence themselves.
"""

from __future__ import annotations

from dialogs.messages import de, en

LANGUAGES: dict[str, dict[str, str]] = {"en": en.MESSAGES, "de": de.MESSAGES}


def language_of(locale: str | None) -> str:
    """SPEC 1: German for `de*` locales (any case, `de`, `de-DE`, `de_AT`), English for everything else."""
    return "de" if locale and locale.strip().lower().startswith("de") else "en"


def text(language: str, key: str, **values: object) -> str:
    """The sentence `key` in `language` ("de" or "en"; anything else reads as English), filled in.

    A missing key or placeholder raises `KeyError`: a wrong key is a bug, not something to paper over.
    """
    return LANGUAGES.get(language, en.MESSAGES)[key].format(**values)


__all__ = ["LANGUAGES", "language_of", "text"]
