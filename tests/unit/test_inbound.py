"""The cheap checks `/api/messages` makes before any real work (bot/hosting/inbound.py), the handler's text
bound and mention stripping (bot/hosting/message_text.py), and `serve`'s refusal of a public HOST in local mode."""

from __future__ import annotations

import pytest
from botbuilder.schema import Activity

from bot.hosting.inbound import MAX_DEPTH, Refusal, ServiceUrlPolicy, check_headers, excerpt, parse_body, shape_problem
from bot.hosting.message_text import TEAMS_MESSAGE_LIMIT, bounded_text, strip_recipient_mentions
from bot.hosting.serve import check_exposure
from bot.operator.cli import UsageError
from services.settings import Settings


@pytest.mark.parametrize(
    "raw",
    [
        b"{}",
        b'{"a": [1, {"b": []}]}',
        b'{"a": "' + b"[" * 100 + b'"}',  # brackets inside a string do not count
        b'{"a": "\\"' + b"{" * 100 + b'"}',  # nor after an escaped quote
        b'{"a":' * (MAX_DEPTH - 1) + b"[1]" + b"}" * (MAX_DEPTH - 1),  # exactly at the bound
        b'{"a": [' + b"[], " * 10_000 + b"[]]}",  # many brackets, shallow
    ],
    ids=["empty", "nested-a-little", "brackets-in-a-string", "escaped-quote", "at-the-bound", "many-shallow"],
)
def test_a_body_within_the_depth_bound_is_parsed(raw):
    assert isinstance(parse_body(raw), dict)


@pytest.mark.parametrize(
    "raw",
    [
        b'{"a":' * MAX_DEPTH + b"[1]" + b"}" * MAX_DEPTH,  # one level over
        b'{"a": ' + b"[" * 1000 + b"]" * 1000 + b"}",
        b'{"a": ' + b"[" * 50_000 + b"]" * 50_000 + b"}",
        b'{"a": "' + b"[" * 100 + b'", "b": ' + b"[" * 40 + b"]" * 40 + b"}",  # deep, and brackets in a string too
    ],
    ids=["one-over", "a-thousand", "fifty-thousand", "deep-and-strings"],
)
def test_a_body_nested_deeper_than_the_bound_is_refused_before_anything_recurses_over_it(raw):
    assert parse_body(raw) == Refusal(400, f"the body nests more than {MAX_DEPTH} levels deep")


def test_an_escaped_surrogate_pair_is_text():
    assert parse_body(b'{"text": "\\ud83d\\ude00"}') == {"text": "\U0001f600"}


@pytest.mark.parametrize(("raw", "reason"), [(b'{"text": "\\ud800"}', "the body holds a lone surrogate (\\ud800-\\udfff), which is not text"), (b'{"text": "\\udfff x"}', "the body holds a lone surrogate (\\ud800-\\udfff), which is not text"), (b"{", "the body is not JSON"), (b"\xff\xfe", "the body is not JSON"), (b"[]", "the body must be a JSON object")])
def test_a_body_that_is_not_a_json_object_is_refused(raw, reason):
    assert parse_body(raw) == Refusal(400, reason)


@pytest.mark.parametrize("encoding", ["gzip", "deflate", "br", "zstd", "x-unknown", "gzip, identity"])
def test_any_content_encoding_but_identity_is_refused_with_415(encoding):
    refusal = check_headers("application/json", encoding)

    assert refusal is not None and refusal.status == 415


def test_identity_or_no_content_encoding_is_accepted():
    assert check_headers("application/json; charset=utf-8", "") is None
    assert check_headers("application/json", "identity") is None
    assert check_headers("text/plain", "") == Refusal(415, "Content-Type must be application/json")


def activity_body(**fields) -> dict:
    body = {"type": "message", "channelId": "msteams", "serviceUrl": "http://127.0.0.1:1/", "conversation": {"id": "a:1"}, "from": {"id": "29:x"}}
    return {**body, **fields}


@pytest.mark.parametrize(
    ("fields", "problem"),
    [
        ({"channelId": None}, "an activity needs a channelId"),
        ({"conversation": {"id": {"a": 1}}}, "an activity needs conversation.id, a string of at most 512 characters"),
        ({"conversation": {"id": "x" * 513}}, "an activity needs conversation.id, a string of at most 512 characters"),
        ({"id": "../../etc/passwd"}, "id must not contain control characters, '/', '\\', '?' or '#'"),
        ({"id": 12}, "id must be a string of at most 1024 characters"),
        ({"from": {"id": 7}}, "from.id must be a string"),
        ({"membersAdded": [None]}, "membersAdded must be a list of objects"),
        ({"membersAdded": [{"id": ["x"]}]}, "membersAdded[0].id must be a string"),
        ({"entities": [{"type": "mention"}] * 257}, "entities has 257 items; at most 256 are accepted"),
        ({"channelData": []}, "channelData must be an object"),
        ({"channelData": {"tenant": "t"}}, "channelData.tenant must be an object with a string id"),
    ],
)
def test_fields_the_bot_relies_on_must_have_their_types(fields, problem):
    assert shape_problem(activity_body(**fields)) == problem


def test_a_teams_activity_has_the_shape_the_bot_needs():
    body = activity_body(id="1700000000001", conversation={"id": "19:abc@thread.tacv2;messageid=1", "conversationType": "channel"}, channelData={"tenant": {"id": "t"}, "team": {"id": "19:x"}})

    assert shape_problem(body) is None


@pytest.mark.parametrize(
    ("url", "allowed"),
    [
        ("http://127.0.0.1:3978/", True),
        ("http://localhost:3978/", True),
        ("http://[::1]:3978/", True),
        ("https://smba.trafficmanager.net/emea/", False),
        ("http://10.0.0.1/", False),
        ("http://169.254.169.254/latest/", False),
        ("https://user@127.0.0.1@attacker.example/", False),
        ("http://[bad/", False),
    ],
)
def test_in_local_mode_only_loopback_service_urls_are_accepted(url, allowed):
    assert ServiceUrlPolicy.from_setting(local_mode=True, setting="").allows(url) is allowed


@pytest.mark.parametrize(
    ("url", "allowed"),
    [
        ("https://smba.trafficmanager.net/emea/", True),
        ("https://smba.infra.gcc.teams.microsoft.com/teams/", True),
        ("https://smba.infra.gov.teams.microsoft.us/teams/", True),
        ("https://smba.infra.dod.teams.microsoft.us/teams/", True),
        ("https://webchat.botframework.com/", True),
        ("https://europe.directline.botframework.com/", True),
        ("http://smba.trafficmanager.net/emea/", False),  # not https
        ("https://smba.trafficmanager.net.attacker.example/", False),
        ("https://botframework.com.attacker.example/", False),
        ("https://127.0.0.1/", False),
    ],
)
def test_with_an_app_id_only_the_bot_framework_service_urls_are_accepted_by_default(url, allowed):
    assert ServiceUrlPolicy.from_setting(local_mode=False, setting="").allows(url) is allowed


def test_the_allow_list_setting_replaces_the_default_and_adds_to_loopback_in_local_mode():
    authenticated = ServiceUrlPolicy.from_setting(local_mode=False, setting="bots.example.com, *.contoso.example")
    local = ServiceUrlPolicy.from_setting(local_mode=True, setting="tunnel.example")

    assert [authenticated.allows(u) for u in ("https://bots.example.com/", "https://eu.contoso.example/", "https://smba.trafficmanager.net/")] == [True, True, False]
    assert [local.allows(u) for u in ("http://tunnel.example/", "http://127.0.0.1/", "http://other.example/")] == [True, True, False]


def test_a_refusal_names_the_service_url_cut_short():
    refusal = ServiceUrlPolicy.from_setting(local_mode=True, setting="").check("http://attacker.example/" + "a" * 5000)

    assert refusal is not None and refusal.status == 403
    assert len(refusal.reason) < 200


def test_excerpt_keeps_one_short_line():
    assert excerpt("a\nb\tc") == "a b c"
    assert excerpt("x" * 10_000) == "x" * 80 + "… (10000 chars)"


def test_text_is_bounded_to_the_teams_message_limit():
    assert TEAMS_MESSAGE_LIMIT == 28 * 1024
    assert len(bounded_text("x" * 100_000)) == TEAMS_MESSAGE_LIMIT
    assert bounded_text("help") == "help"
    assert bounded_text(None) is None


def message(text: str, entities: list[dict]) -> Activity:
    return Activity().deserialize({"type": "message", "text": text, "recipient": {"id": "28:bot", "name": "Competency Bot"}, "entities": entities})


def mention(user_id: str, name: str) -> dict:
    return {"type": "mention", "mentioned": {"id": user_id, "name": name}, "text": f"<at>{name}</at>"}


def test_only_the_bots_own_mention_is_stripped():
    activity = message("<at>Competency Bot</at> what does <at>Jonas Becker</at> hold?", [mention("28:bot", "Competency Bot"), mention("29:jonas", "Jonas Becker")])

    strip_recipient_mentions(activity)

    assert activity.text == " what does <at>Jonas Becker</at> hold?"


def test_twenty_thousand_mention_tags_are_stripped_in_one_pass():
    activity = message("<at>Competency Bot</at> " * 20_000 + "help", [mention("28:bot", "Competency Bot")] * 200)

    strip_recipient_mentions(activity)

    assert activity.text == " " * 20_000 + "help"


@pytest.mark.parametrize(
    "entities",
    [[{"type": "mention", "mentioned": "the bot"}], [{"type": None}], [{"type": "mention", "mentioned": {"id": "28:bot"}, "text": ["x"]}], [{"type": "mention", "mentioned": {"id": "28:bot", "name": "(a+)+$"}}]],
    ids=["mentioned-a-string", "no-type", "text-a-list", "name-a-regex"],
)
def test_malformed_mention_entities_leave_the_text_alone(entities):
    activity = message("<at>Competency Bot</at> help aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa!", entities)

    strip_recipient_mentions(activity)

    assert activity.text == "<at>Competency Bot</at> help aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa!"


@pytest.mark.parametrize("host", ["0.0.0.0", "", "::", "192.168.1.20", "bot.example.com"])
def test_serve_refuses_a_host_reachable_from_other_machines_in_local_mode(host):
    with pytest.raises(UsageError, match="ALLOW_UNAUTHENTICATED_REMOTE=true"):
        check_exposure(Settings(HOST=host, MicrosoftAppId=""))


@pytest.mark.parametrize(
    "settings",
    [
        Settings(HOST="127.0.0.1", MicrosoftAppId=""),
        Settings(HOST="localhost", MicrosoftAppId=""),
        Settings(HOST="::1", MicrosoftAppId=""),
        Settings(HOST="0.0.0.0", MicrosoftAppId="", ALLOW_UNAUTHENTICATED_REMOTE="true"),
        Settings(HOST="0.0.0.0", MicrosoftAppId="9b2a0c3e-1d7b-4c1f-8a8e-3f5f2f0e7d11"),
    ],
    ids=["loopback", "localhost", "ipv6-loopback", "allowed-explicitly", "authenticated"],
)
def test_serve_listens_where_that_is_safe_or_the_operator_said_so(settings):
    check_exposure(settings)
