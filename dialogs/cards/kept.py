"""Activity contents of replies shared between turns, so a kept reply's card is built and serialized once.

`ProgressReplies` (dialogs/cards/progress.py) keeps one reply per evaluation and minute, read by many
turns and never changed. `keep` builds its activity content (the card with its plain-text fallback, as
`dialogs.turn.reply_activity` builds it) once; `reply_activity` sends that same dict for that same reply;
and the connector's serializer (bot/connector/wire.py) keeps the JSON text of such a content in its
`Kept` entry. All are held strongly and looked up by identity, checked, so an id is never reused for
another object. The contents are plain dicts: any other serializer (msrest) reads them as before."""

from __future__ import annotations

from collections import OrderedDict
from typing import Any

from dialogs.cards.reply import Reply

SIZE = 64  # more than ProgressReplies keeps (32); both drop the least recently used first, so a reply still
# kept there keeps its content here


class Kept:
    __slots__ = ("content", "json_text", "reply")

    def __init__(self, reply: Reply, content: dict[str, Any]):
        self.reply, self.content = reply, content
        self.json_text: str | None = None  # set by bot/connector/wire.py on the first send


_by_reply: OrderedDict[int, Kept] = OrderedDict()
_by_content: dict[int, Kept] = {}


def keep(reply: Reply) -> None:
    if reply.card is None or content_of(reply) is not None:
        return
    content = dict(reply.card)
    content.setdefault("fallbackText", reply.text)
    kept = Kept(reply, content)
    _by_reply[id(reply)] = kept
    _by_content[id(content)] = kept
    while len(_by_reply) > SIZE:
        _, old = _by_reply.popitem(last=False)
        del _by_content[id(old.content)]


def content_of(reply: Reply) -> dict[str, Any] | None:
    kept = _by_reply.get(id(reply))
    if kept is None or kept.reply is not reply:
        return None
    _by_reply.move_to_end(id(reply))  # in use: the last to be dropped
    return kept.content


def kept_content(content: object) -> Kept | None:
    kept = _by_content.get(id(content))
    return kept if kept is not None and kept.content is content else None
