"""Adaptive Card 1.5 elements as plain dicts (research §5): only what Teams, WebChat and the Emulator
all render, so a card survives a change of host or SDK."""

from __future__ import annotations

from typing import Any

CARD_VERSION = "1.5"
SCHEMA_URL = "http://adaptivecards.io/schemas/adaptive-card.json"
BAR_HEIGHT = "8px"


def adaptive_card(body: list[dict[str, Any]], actions: list[dict[str, Any]]) -> dict[str, Any]:
    """A full-width Teams card; `msteams` is Teams' own key, outside the Adaptive Card schema."""
    card: dict[str, Any] = {
        "$schema": SCHEMA_URL,
        "type": "AdaptiveCard",
        "version": CARD_VERSION,
        "msteams": {"width": "Full"},
        "body": body,
    }
    if actions:
        card["actions"] = actions
    return card


def text_block(text: str, **style: Any) -> dict[str, Any]:
    """A wrapping TextBlock; style keys whose value is None are left out."""
    block = {"type": "TextBlock", "text": text, "wrap": True}
    block.update({key: value for key, value in style.items() if value is not None})
    return block


def container(items: list[dict[str, Any]], separator: bool = True) -> dict[str, Any]:
    return {"type": "Container", "separator": separator, "spacing": "medium", "items": items}


def label_and_figure(label: str, figure: str, color: str | None) -> dict[str, Any]:
    """A requirement on the left, its figure right-aligned on the right."""
    return {
        "type": "ColumnSet",
        "spacing": "small",
        "columns": [
            {"type": "Column", "width": "stretch", "items": [text_block(label)]},
            {
                "type": "Column",
                "width": "auto",
                "items": [text_block(figure, weight="bolder", color=color, horizontalAlignment="right")],
            },
        ],
    }


def progress_bar(fraction: float, style: str) -> dict[str, Any]:
    """The portable progress bar (research §5.3): two weighted columns, the filled one coloured.

    Weights are whole percents; a sliver of progress still shows one percent and anything short of
    complete leaves one percent empty, so the bar never claims more or less than the figure beside it.
    """
    fraction = max(0.0, min(1.0, fraction))
    filled = round(fraction * 100)
    if fraction > 0 and filled == 0:
        filled = 1
    if fraction < 1 and filled == 100:
        filled = 99
    columns = []
    if filled:
        columns.append({"type": "Column", "width": str(filled), "style": style, "minHeight": BAR_HEIGHT, "items": []})
    if filled < 100:
        columns.append({"type": "Column", "width": str(100 - filled), "style": "emphasis", "minHeight": BAR_HEIGHT, "items": []})
    return {"type": "ColumnSet", "spacing": "small", "columns": columns}


def submit(title: str, data: dict[str, Any]) -> dict[str, Any]:
    """Action.Submit: a click arrives as a message activity whose `value` is `data` (research §5.2)."""
    return {"type": "Action.Submit", "title": title, "data": data}
