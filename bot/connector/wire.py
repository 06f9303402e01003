"""An outgoing activity serialized once, for the Bot Connector's two sending calls.

msrest serializes an activity by walking every node of its `object` fields (an Adaptive Card's
content: ~750 dicts, lists and strings for a progress card; `channelData`; `value`) one Python call
at a time, and then `json.dumps` walks the copy it made once more. A field that is plain JSON (dicts
with string keys, lists, strings, numbers, booleans, None: exactly those types, no subclasses or
tuples, which msrest turns into strings) comes out of msrest equal to what went in, so such a field is
left out of msrest's walk and put back into its output as it is; `json.dumps` then walks it once, in
C. Any other field (a model such as an OAuth card, a date, an enum) goes through msrest as before.
A kept reply's content (dialogs/cards/kept.py: the progress card of an evaluation and minute, shared
and never changed) is walked once at all: its JSON text is made on its first send and spliced in after.

`ActivityOperations` is the SDK's `ConversationsOperations` with `reply_to_activity` and
`send_to_conversation` building their request body this way; URL, headers, the pipeline that sends
it, the errors it raises and the answer it reads are msrest's own, line for line."""

from __future__ import annotations

import copy
import json
import uuid
from typing import Any, cast

from botbuilder.schema import Activity
from botframework.connector import models
from botframework.connector.aio.operations_async import ConversationsOperations
from msrest import Serializer
from msrest.pipeline import ClientRawResponse

from dialogs.cards.kept import kept_content

_SCALARS = frozenset((str, int, float, bool, type(None)))


def is_plain_json(node: object) -> bool:
    """Only dicts with `str` keys, lists and JSON scalars, of exactly those types, all the way down."""
    kind = type(node)
    if kind is dict:
        for key, value in cast(dict, node).items():  # noqa: SIM110 - a hot path: all() over a generator costs a frame per item
            if type(key) is not str or (type(value) not in _SCALARS and not is_plain_json(value)):
                return False
        return True
    if kind is list:
        for value in cast(list, node):  # noqa: SIM110 - as above
            if type(value) not in _SCALARS and not is_plain_json(value):
                return False
        return True
    return kind in _SCALARS


_KEPT = "\x00kept-card-" + uuid.uuid4().hex + "-"  # stands in for a kept card's JSON text until it is spliced in


def kept_json(content: object) -> str | None:
    """The JSON text of a kept reply's content (dialogs/cards/kept.py: shared, never changed), made on
    its first send and reused after. None for any other content, and for a kept one not plain JSON."""
    found = kept_content(content)
    if found is None:
        return None
    if found.json_text is None and is_plain_json(found.content):
        found.json_text = json.dumps(found.content)  # what json.dumps(body) writes for it in the body, byte for byte
    return found.json_text


def activity_json(serializer: Serializer, activity: Activity) -> str:
    """The activity exactly as msrest's `body(activity, "Activity")` and then `json.dumps` send it
    (keys in another order)."""
    channel_data, value = activity.channel_data, activity.value
    attachments = activity.attachments or []
    texts = [kept_json(a.content) for a in attachments]
    plain = [text is not None or (a.content is not None and is_plain_json(a.content)) for a, text in zip(attachments, texts)]
    slim = copy.copy(activity)
    if channel_data is not None and is_plain_json(channel_data):
        slim.channel_data = None
    if value is not None and is_plain_json(value):
        slim.value = None
    if any(plain):
        slim.attachments = [_without_content(a) if is_plain else a for a, is_plain in zip(attachments, plain)]
    body = serializer.body(slim, "Activity")
    if slim.channel_data is None and channel_data is not None:
        body["channelData"] = channel_data
    if slim.value is None and value is not None:
        body["value"] = value
    for index, (serialized, attachment, is_plain, text) in enumerate(zip(body.get("attachments") or (), attachments, plain, texts)):
        if text is not None:
            serialized["content"] = f"{_KEPT}{index}"
        elif is_plain:
            serialized["content"] = attachment.content
    sent = json.dumps(body)
    for index, text in enumerate(texts):
        if text is not None:
            sent = sent.replace(json.dumps(f"{_KEPT}{index}"), text, 1)
    return sent


def _without_content(attachment: Any) -> Any:
    slim = copy.copy(attachment)
    slim.content = None
    return slim


class ActivityOperations(ConversationsOperations):
    """`ConversationsOperations` whose two sending calls serialize the activity with `activity_json`."""

    async def send_to_conversation(self, conversation_id, activity, *, custom_headers=None, raw=False, **operation_config):
        url = self._client.format_url(
            ConversationsOperations.send_to_conversation.metadata["url"],
            conversationId=self._serialize.url("conversation_id", conversation_id, "str"),
        )
        headers = {"Accept": "application/json", "Content-Type": "application/json; charset=utf-8"}
        return await self._post_activity(url, headers, activity, custom_headers, raw, operation_config)

    async def reply_to_activity(self, conversation_id, activity_id, activity, *, custom_headers=None, raw=False, **operation_config):
        url = self._client.format_url(
            ConversationsOperations.reply_to_activity.metadata["url"],
            conversationId=self._serialize.url("conversation_id", conversation_id, "str"),
            activityId=self._serialize.url("activity_id", activity_id, "str"),
        )
        headers = {"Accept": "application/json", "Content-Type": "application/json; charset=utf-8", "x-ms-conversation-id": conversation_id}
        return await self._post_activity(url, headers, activity, custom_headers, raw, operation_config)

    async def _post_activity(self, url: str, headers: dict[str, str], activity: Activity, custom_headers: dict[str, str] | None,
                             raw: bool, operation_config: dict[str, Any]) -> Any:
        if custom_headers:
            headers.update(custom_headers)
        request = self._client.post(url, {}, headers)
        request.data = activity_json(self._serialize, activity)
        request.headers["Content-Length"] = str(len(request.data))  # ASCII: json.dumps escapes the rest
        response = await self._client.async_send(request, stream=False, **operation_config)
        if response.status_code not in (200, 201, 202):
            raise models.ErrorResponseException(self._deserialize, response)
        deserialized = self._deserialize("ResourceResponse", response)
        return ClientRawResponse(deserialized, response) if raw else deserialized
