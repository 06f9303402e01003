"""What every renderer returns: the plain-text answer and, where it helps, an Adaptive Card."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Reply:
    """`text` is the complete answer on its own (channels without cards, screen readers, logs);
    `card` the same answer as an Adaptive Card 1.5 dict, or None for a plain message."""

    text: str
    card: dict[str, Any] | None = field(default=None, hash=False)
