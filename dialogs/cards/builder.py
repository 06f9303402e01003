"""Writes a card and its plain-text fallback in one pass, so the two can never say different things."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from dialogs.cards.elements import adaptive_card, container, label_and_figure, progress_bar, submit, text_block
from dialogs.cards.reply import Reply


class ReplyBuilder:
    """Each call adds one statement to the card body and one line to the text.

    `section()` opens a separated block (a Container in the card, a blank line in the text); fill it
    before adding anything after it, since the text is written in call order.
    """

    def __init__(self, lines: list[str] | None = None, actions: list[dict[str, Any]] | None = None):
        self.body: list[dict[str, Any]] = []
        self._lines = [] if lines is None else lines
        self._actions = [] if actions is None else actions

    def title(self, text: str) -> None:
        self.body.append(text_block(text, size="large", weight="bolder"))
        self._lines.append(text)

    def heading(self, text: str, color: str | None = None) -> None:
        self.body.append(text_block(text, size="medium", weight="bolder", color=color))
        self._lines.append(text)

    def line(
        self,
        text: str,
        *,
        card_text: str | None = None,
        color: str | None = None,
        subtle: bool = False,
        bold: bool = False,
        indent: int = 0,
        bullet: bool = False,
    ) -> None:
        """One sentence; `card_text` may add markdown emphasis the plain text does without."""
        self.body.append(
            text_block(
                card_text or text,
                color=color,
                isSubtle=subtle or None,
                weight="bolder" if bold else None,
                size="small" if indent else None,
                spacing="none" if indent else None,
            )
        )
        self._lines.append("  " * indent + ("- " if bullet else "") + text)

    def figure(self, label: str, figure: str, color: str | None = None) -> None:
        self.body.append(label_and_figure(label, figure, color))
        self._lines.append(f"- {label}: {figure}")

    def bar(self, fraction: float, style: str) -> None:
        """Card only: the figure beside it already says the same in words."""
        self.body.append(progress_bar(fraction, style))

    @contextmanager
    def section(self) -> Iterator[ReplyBuilder]:
        part = ReplyBuilder(self._lines, self._actions)
        self._lines.append("")
        yield part
        if part.body:
            self.body.append(container(part.body))

    def action(self, title: str, data: dict[str, Any]) -> None:
        self._actions.append(submit(title, data))

    def build(self) -> Reply:
        return Reply("\n".join(self._lines).strip(), adaptive_card(self.body, list(self._actions)))
