"""Bot turn throughput over real HTTP (a benchmark, not a test).

    .venv/bin/python bench/bot_bench.py                  # SQLite file in a temporary directory
    .venv/bin/python bench/bot_bench.py --database-url postgresql+asyncpg://postgres@127.0.0.1:5432/botbench
    .venv/bin/python bench/bot_bench.py --clients 8 --turns 200
    .venv/bin/python bench/bot_bench.py --postgres-url postgresql+asyncpg://postgres@127.0.0.1:5432/botbench   # SQLite and PostgreSQL side by side

1. One organisation of 2,000 people with 10,000 achievements (bench/evaluation_bench.py's generator,
   5 achievements each, around the real current moment) is imported into a fresh migrated database.
2. `competency-bot serve` runs as a subprocess on a free port (local mode, no alert scans). N
   concurrent clients post Teams-shaped "what's our Gold progress?" activities from the organisation's
   admin, each client in its own personal conversation, to `/api/messages`; a turn counts once the
   201 is back and the reply (a progress card, checked) has reached the fake Bot Connector in this
   process. Turns per second, latency percentiles and the server's peak RSS (/proc/PID/status VmHWM).
3. The same for an echo bot on the same stack (this file's `--serve-echo` mode: `build_bot` with only
   the ActivityHandler swapped, `create_app`, CompetencyAdapter/CloudAdapter, the same connector,
   the start-up heap frozen as `serve` freezes it),
   and the ratio of the two. Both servers run at once and their turns are driven in alternating
   blocks (`--rounds`), so a busy minute of a shared machine falls on both; each server's CPU time
   per turn (/proc/PID/stat, all threads) is printed too, a figure the machine's load moves less.
4. Where the server's CPU goes under that load: each server once more, with a sampling profiler in
   it (`Sampler`: the main thread's stack every millisecond of the process's CPU time), charged to
   the layers of a turn (parse, identify, dialog state, recognition, card, send, the collector...)
   and the library inside each, in CPU ms per turn, for both bots.
5. Where one turn's time goes, in this process: wall-clock time inside each layer (identify and
   remember the member, dialog state read/write, snapshot load, evaluation, card rendering, the
   connector send, SQL statements), and a cProfile of one turn, top 15 by cumulative time.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import cProfile
import dataclasses
import functools
import gc
import io
import json
import os
import pstats
import signal
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from collections.abc import Callable, Iterator
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
for path in (ROOT, ROOT / "bench"):
    if str(path) not in sys.path:
        sys.path.insert(0, str(path))

import aiohttp  # noqa: E402
import evaluation_bench  # noqa: E402  (bench/: the dataset generator)
import processes  # noqa: E402  (bench/: stopping the servers)
from aiohttp import web  # noqa: E402
from botbuilder.core import ActivityHandler, MessageFactory, TurnContext  # noqa: E402
from sqlalchemy import event, func, select  # noqa: E402

from bot.bootstrap import build_bot, open_services  # noqa: E402
from bot.hosting.app import create_app  # noqa: E402
from services.importer import import_dataset  # noqa: E402
from services.persistence.repository import CatalogCache  # noqa: E402
from services.persistence.tables import AchievementRow  # noqa: E402
from services.settings import Settings  # noqa: E402
from tests.e2e.fakes import FakeConnector, LoopbackServer, TeamsChannel, TeamsUser, free_port  # noqa: E402

ORG_ID = "bench-bot"
PEOPLE, ACHIEVEMENTS_EACH = 2_000, 5
QUESTION = "what's our Gold progress?"
ADAPTIVE_CARD = "application/vnd.microsoft.card.adaptive"
TARGET_RATIO = 0.5
STARTUP_SECONDS = 60


# --- the echo bot: the same stack with a trivial handler ---------------------------------------------


class EchoBot(ActivityHandler):
    async def on_message_activity(self, turn_context: TurnContext) -> None:
        await turn_context.send_activity(MessageFactory.text(f"echo: {turn_context.activity.text}"))


def freeze_startup_heap() -> None:
    """`bot.hosting.serve.freeze_startup_heap`; the same two lines in a checkout from before it had that name."""
    try:
        from bot.hosting.serve import freeze_startup_heap as serves_own
    except ImportError:
        gc.collect()
        gc.freeze()
    else:
        serves_own()


async def serve_echo(settings: Settings) -> None:
    """Like `bot.hosting.serve.serve`, with the bot parts built by `build_bot` and only the handler swapped."""
    stopped = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(signum, stopped.set)
    async with open_services(settings) as services:
        parts = dataclasses.replace(build_bot(services), bot=EchoBot())
        runner = web.AppRunner(create_app(settings, services, parts), access_log=None)
        await runner.setup()
        await web.TCPSite(runner, settings.host, settings.port).start()
        freeze_startup_heap()  # as `serve` does once it listens: the same start for both bots
        print(f"echo bot listening on http://{settings.host}:{settings.port}", flush=True)
        try:
            await stopped.wait()
        finally:
            await runner.cleanup()


# --- set-up --------------------------------------------------------------------------------------------


async def prepare_database(database_url: str, now: datetime) -> tuple[TeamsUser, dict[str, int]]:
    """Migrate, import the 2,000-person organisation; the admin who asks, as Teams shows them."""
    evaluation_bench.NOW = now  # its generator places every date relative to this module global
    dataset, stats = evaluation_bench.build_dataset(CatalogCache().bundled(), ORG_ID, PEOPLE, evaluation_bench.SEED, achievements_per_person=ACHIEVEMENTS_EACH)
    admin = dataset["users"][0]
    assert "admin" in admin["roles"]
    async with open_services(Settings(DATABASE_URL=database_url), migrate=True) as services:
        await import_dataset(services.uows, dataset, now)
        async with services.engine.connect() as connection:
            held = (await connection.execute(select(func.count()).select_from(AchievementRow))).scalar_one()
    if held > stats["achievements"]:  # the generator's dates follow the clock, so each run's import adds rows
        print(f"WARNING: the database holds {held:,} achievements, {stats['achievements']:,} imported now: earlier runs' data "
              "makes the organisation larger (and the server bigger); give the bench a fresh database", flush=True)
    return TeamsUser("29:bench-admin", admin["aad_object_id"], dataset["organizations"][0]["tenant_id"], "en-US", admin["display_name"]), stats


def cpu_seconds_of(pid: int) -> float:
    """User + system CPU time the process has used so far, all threads (/proc/PID/stat)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def memory_of(pid: int) -> dict[str, int]:
    """VmHWM (peak RSS) and VmRSS of a process, in KiB."""
    values = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        name, _, rest = line.partition(":")
        if name in ("VmHWM", "VmRSS"):
            values[name] = int(rest.split()[0])
    return values


@contextlib.contextmanager
def server_process(command: list[str], database_url: str, port: int, log: Path) -> Iterator[subprocess.Popen]:
    environment = {k: v for k, v in os.environ.items() if not k.startswith("Microsoft") and k not in ("OAUTH_URL", "GRAPH_URL")}
    environment.update(DATABASE_URL=database_url, PORT=str(port), HOST="127.0.0.1", ALERT_SCAN_INTERVAL_SECONDS="0", LOG_LEVEL="ERROR")
    with log.open("wb") as output:
        process = subprocess.Popen(command, env=environment, stdout=output, stderr=subprocess.STDOUT, cwd=ROOT)
    try:
        yield process
    finally:
        processes.stop(process)


async def wait_until_healthy(session: aiohttp.ClientSession, url: str, process: subprocess.Popen, log: Path) -> None:
    deadline = time.monotonic() + STARTUP_SECONDS
    while True:
        if process.poll() is not None:
            raise RuntimeError(f"server exited with {process.returncode}:\n{log.read_text()[-2000:]}")
        with contextlib.suppress(aiohttp.ClientConnectionError):
            async with session.get(f"{url}/healthz") as response:
                if response.status == 200:
                    return
        if time.monotonic() > deadline:
            raise RuntimeError(f"no /healthz within {STARTUP_SECONDS} s")
        await asyncio.sleep(0.1)


# --- load --------------------------------------------------------------------------------------------


@dataclasses.dataclass
class LoadResult:
    name: str
    turns: int
    seconds: float
    latencies: list[float]
    memory: dict[str, int]
    replies_checked: int
    cpu_seconds: float  # the server's CPU time (all its threads) during the measured turns

    @property
    def per_second(self) -> float:
        return self.turns / self.seconds

    @property
    def cpu_per_turn(self) -> float:
        return self.cpu_seconds / self.turns

    def percentile(self, q: float) -> float:
        ordered = sorted(self.latencies)
        return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


async def drive(channel: TeamsChannel, url: str, admin: TeamsUser, clients: int, turns: int, check: Callable[[str | None, dict], bool]) -> tuple[float, list[float], int]:
    """`turns` turns spread over `clients` concurrent personal conversations. A turn ends when the 201
    is back and the connector holds the reply to that activity."""
    connector = channel.connector
    users = [dataclasses.replace(admin, user_id=f"{admin.user_id}-{i}") for i in range(clients)]
    remaining = turns
    latencies: list[float] = []
    checked = 0

    async def client(user: TeamsUser) -> None:
        nonlocal remaining, checked
        while remaining > 0:
            remaining -= 1
            body = channel.activity(user, QUESTION)
            start = time.perf_counter()
            response = await channel.post(url, body)
            assert response.status == 201, f"HTTP {response.status}"
            reply = next((d for d in reversed(connector.deliveries) if d.reply_to_id == body["id"]), None)
            if reply is None:  # replies are sent inside the turn, so this should not happen; wait if it does
                await connector.wait_for(len(connector.deliveries) + 1, timeout=10)
                reply = next(d for d in reversed(connector.deliveries) if d.reply_to_id == body["id"])
            latencies.append(time.perf_counter() - start)
            if not check(reply.content_type, reply.activity):
                raise AssertionError(f"unexpected reply: {reply.text[:200]!r}")
            checked += 1

    started = time.perf_counter()
    await asyncio.gather(*(client(u) for u in users))
    return time.perf_counter() - started, latencies, checked


def is_progress_card(content_type: str | None, activity: dict) -> bool:
    return content_type == ADAPTIVE_CARD and activity["attachments"][0]["content"]["body"][0]["text"].startswith("Gold progress for")


def is_echo(content_type: str | None, activity: dict) -> bool:
    return activity.get("text") == f"echo: {QUESTION}"


async def measure_servers(servers: list[tuple[str, list[str], Callable[[str | None, dict], bool]]], database_url: str, channel: TeamsChannel,
                          admin: TeamsUser, args: argparse.Namespace, workdir: Path) -> list[LoadResult]:
    """Both servers run at once (the idle one waits in epoll); after a warm-up each, their measured
    turns are driven in `args.rounds` alternating blocks, so that both bots meet the same load of a
    shared machine rather than one the quiet minute and the other the busy one."""
    with contextlib.ExitStack() as stack:
        running = []
        for name, command, check in servers:
            port = free_port()
            url = f"http://127.0.0.1:{port}"
            log = workdir / f"{name}.log"
            process = stack.enter_context(server_process(command, database_url, port, log))
            await wait_until_healthy(channel.session, url, process, log)
            running.append((name, url, process, check))
        for _name, url, _process, check in running:
            await drive(channel, url, admin, args.clients, args.warmup, check)
        seconds: dict[str, float] = defaultdict(float)
        latencies: dict[str, list[float]] = defaultdict(list)
        checked: dict[str, int] = defaultdict(int)
        cpu: dict[str, float] = defaultdict(float)
        block = -(-args.turns // args.rounds)
        for start in range(0, args.turns, block):
            for name, url, process, check in running:
                cpu_before = cpu_seconds_of(process.pid)
                took, waited, replies = await drive(channel, url, admin, args.clients, min(block, args.turns - start), check)
                cpu[name] += cpu_seconds_of(process.pid) - cpu_before
                seconds[name] += took
                latencies[name] += waited
                checked[name] += replies
        return [LoadResult(name, args.turns, seconds[name], latencies[name], memory_of(process.pid), checked[name], cpu[name])
                for name, _url, process, _check in running]


# --- where one turn's time goes (in this process) ----------------------------------------------------


class Stopwatch:
    """Wall-clock time spent inside wrapped callables (nested layers each count their own)."""

    def __init__(self) -> None:
        self.seconds: dict[str, float] = defaultdict(float)
        self.calls: dict[str, int] = defaultdict(int)
        self._saved: list[tuple[Any, str, Any]] = []

    def wrap(self, owner: Any, attribute: str, label: str) -> None:
        original = getattr(owner, attribute)
        watch = self

        if asyncio.iscoroutinefunction(original):
            @functools.wraps(original)  # keeps attributes callers read (msrest's `.metadata`)
            async def timed(*args: Any, **kwargs: Any) -> Any:
                start = time.perf_counter()
                try:
                    return await original(*args, **kwargs)
                finally:
                    watch.seconds[label] += time.perf_counter() - start
                    watch.calls[label] += 1
        else:
            @functools.wraps(original)
            def timed(*args: Any, **kwargs: Any) -> Any:  # type: ignore[misc]
                start = time.perf_counter()
                try:
                    return original(*args, **kwargs)
                finally:
                    watch.seconds[label] += time.perf_counter() - start
                    watch.calls[label] += 1

        self._saved.append((owner, attribute, original))
        setattr(owner, attribute, timed)

    def restore(self) -> None:
        for owner, attribute, original in reversed(self._saved):
            setattr(owner, attribute, original)
        self._saved.clear()

    def reset(self) -> None:
        self.seconds.clear()
        self.calls.clear()


def instrument(watch: Stopwatch, engine: Any) -> Callable[[], None]:
    """Wrap the layers a progress turn passes through; returns how to undo the SQL hooks. A layer the
    code at hand does not have (an older checkout, measured for a before/after) is left out."""
    import importlib

    import bot.hosting.app
    import bot.hosting.handler
    import bot.state.storage
    import dialogs.cards.progress
    import services.assistant
    import services.progress
    from services.persistence.repository import Repository

    watch.wrap(bot.hosting.app, "parse_activity", "parse + deserialize the activity")
    watch.wrap(bot.hosting.handler.CompetencyBot, "_identify", "identify the member: member, reference, data stamp and dialog state in one query (DB)")
    if hasattr(bot.hosting.handler.CompetencyBot, "_no_dialog_runs"):
        import dialogs.main_dialog as main_dialog

        watch.wrap(main_dialog.MainDialog, "answer_without_dialog", "no dialog runs: answered without the dialog stack (or handed to it)")
        watch.wrap(bot.hosting.handler.CompetencyBot, "_run_dialog", "the dialog stack (a dialog runs, or the message starts one)")
    watch.wrap(bot.state.storage.SqlStorage, "read", "dialog state read (prefetched by identify: no DB)")
    watch.wrap(bot.state.storage.SqlStorage, "write", "dialog state write (DB)")
    watch.wrap(services.assistant, "organization_progress", "progress use case: version check, cached evaluation (DB)")
    watch.wrap(Repository, "snapshots" if hasattr(Repository, "snapshots") else "snapshot", "load the organisation snapshot (DB)")
    watch.wrap(services.progress, "evaluate_organization", "evaluate (domain)")
    import dialogs.main_dialog

    # where the dialog finds it: its own import before the rendering was kept, the module's since
    renderer = dialogs.main_dialog if hasattr(dialogs.main_dialog, "progress_reply") else dialogs.cards.progress
    watch.wrap(renderer, "progress_reply", "render the card (a new rendering)")
    if hasattr(dialogs.cards.progress, "ProgressReplies"):
        watch.wrap(dialogs.cards.progress.ProgressReplies, "__call__", "the card: rendered, or kept from this minute's rendering of the evaluation")
    try:
        wire = importlib.import_module("bot.connector.wire")
    except ImportError:  # before replies were serialized by bot/connector/wire.py
        from botframework.connector.aio.operations_async import ConversationsOperations

        watch.wrap(ConversationsOperations, "reply_to_activity", "send the reply to the connector (here: with the fake connector's side, same loop)")
    else:
        watch.wrap(wire.ActivityOperations, "reply_to_activity", "send the reply to the connector (here: with the fake connector's side, same loop)")
        watch.wrap(wire, "activity_json", "  of which: serialize the activity (wire.py)")

    starts: dict[int, float] = {}

    def before(conn: Any, cursor: Any, statement: str, parameters: Any, context: Any, executemany: bool) -> None:
        starts[id(cursor)] = time.perf_counter()

    def after(conn: Any, cursor: Any, statement: str, parameters: Any, context: Any, executemany: bool) -> None:
        watch.seconds["SQL statements (all of the above)"] += time.perf_counter() - starts.pop(id(cursor), time.perf_counter())
        watch.calls["SQL statements (all of the above)"] += 1

    event.listen(engine.sync_engine, "before_cursor_execute", before)
    event.listen(engine.sync_engine, "after_cursor_execute", after)

    def undo() -> None:
        event.remove(engine.sync_engine, "before_cursor_execute", before)
        event.remove(engine.sync_engine, "after_cursor_execute", after)

    return undo


def _where(key: tuple[str, int, str]) -> str:
    filename, line, function = key
    for prefix in (str(ROOT / ".venv/lib/python3.11/site-packages") + "/", str(ROOT) + "/"):
        if filename.startswith(prefix):
            filename = filename[len(prefix):]
    return f"{filename}:{line}({function})" if line else function


def _top(out: io.StringIO, stats: dict, title: str, column: int, top: int) -> None:
    out.write(f"  top {top} by {title}:\n  {'ncalls':>9} {'tottime':>8} {'cumtime':>8}  where\n")
    shown = [kv for kv in sorted(stats.items(), key=lambda kv: -kv[1][column]) if not _event_loop_plumbing(kv[0])][:top]
    for key, (_cc, calls, tottime, cumtime, _callers) in shown:
        out.write(f"  {calls:>9,} {tottime:>8.4f} {cumtime:>8.4f}  {_where(key)}\n")


class GcClock:
    """Time the garbage collector spends, per generation (gc.callbacks)."""

    def __init__(self) -> None:
        self.seconds: dict[int, float] = defaultdict(float)
        self.collections: dict[int, int] = defaultdict(int)
        self._started = 0.0

    def __call__(self, phase: str, info: dict[str, int]) -> None:
        if phase == "start":
            self._started = time.perf_counter()
        else:
            self.seconds[info["generation"]] += time.perf_counter() - self._started
            self.collections[info["generation"]] += 1

    def __enter__(self) -> GcClock:
        gc.callbacks.append(self)
        return self

    def __exit__(self, *exc: object) -> None:
        gc.callbacks.remove(self)


# --- where the server's CPU goes under the concurrent load (a sampling profiler in the server) -------


class Sampler:
    """Samples the server's main-thread stack every `interval` seconds of the process's CPU time
    (ITIMER_PROF: all threads count), so a sample lands where the CPU went, at ~2 % overhead, unlike
    cProfile's 3-5x. SIGUSR1 starts sampling, SIGUSR2 stops it and writes the stacks to `path` as JSON.
    A sample taken while the main thread waits in epoll is CPU spent by another thread (aiosqlite's,
    the connector's) or by the kernel for this process."""

    def __init__(self, path: Path, interval: float = 0.001):
        self.path = path
        self.interval = interval
        self.stacks: dict[tuple[str, ...], int] = defaultdict(int)
        self.gc_seconds = 0.0
        self._gc_started = 0.0
        self._wakeup_fd = -1

    def install(self) -> None:
        signal.signal(signal.SIGPROF, self._sample)
        signal.signal(signal.SIGUSR1, lambda *_: self._start())
        signal.signal(signal.SIGUSR2, lambda *_: self._stop())

    def _start(self) -> None:
        self.stacks.clear()
        self.gc_seconds = 0.0
        gc.callbacks.append(self._gc)
        # asyncio's wakeup fd would get a byte, and the loop a wake-up, for every sample
        self._wakeup_fd = signal.set_wakeup_fd(-1)
        signal.setitimer(signal.ITIMER_PROF, self.interval, self.interval)

    def _stop(self) -> None:
        signal.setitimer(signal.ITIMER_PROF, 0, 0)
        signal.set_wakeup_fd(self._wakeup_fd)
        gc.callbacks.remove(self._gc)
        samples = [{"stack": list(stack), "count": count} for stack, count in self.stacks.items()]
        self.path.write_text(json.dumps({"interval": self.interval, "gc_seconds": self.gc_seconds, "samples": samples}))

    def _gc(self, phase: str, info: dict[str, int]) -> None:
        if phase == "start":
            self._gc_started = time.perf_counter()
        else:
            self.gc_seconds += time.perf_counter() - self._gc_started

    def _sample(self, signum: int, frame: Any) -> None:
        stack = []
        while frame is not None:
            code = frame.f_code
            stack.append(f"{code.co_filename}:{code.co_firstlineno}:{code.co_name}")
            frame = frame.f_back
        self.stacks[tuple(stack)] += 1


def serve_sampled(settings: Settings, path: Path, echo: bool) -> None:
    Sampler(path).install()
    if echo:
        asyncio.run(serve_echo(settings))
    else:
        from bot.hosting.serve import serve

        asyncio.run(serve(settings))


# Where a sample is charged: the innermost frame on its stack that is one of these (file, function);
# then, inside it, the library the innermost frame belongs to. Exclusive: the rows add up to the whole.
LAYERS: tuple[tuple[str, str, str], ...] = (
    ("bench/bot_bench.py", "_gc", "garbage collector (a collection's samples land on its end callback)"),
    ("aiohttp/web_protocol.py", "", "aiohttp: read the request, write the response"),
    ("bot/hosting/app.py", "messages", "our request checks (headers, size, depth, shape)"),
    ("bot/hosting/app.py", "parse_activity", "parse + deserialize the activity"),
    ("botbuilder/core/cloud_adapter_base.py", "process_activity", "adapter: turn context, connector client"),
    ("bot/connector/authentication.py", "", "authenticate the request"),
    ("botframework/connector/auth/", "", "authenticate the request"),
    ("botbuilder/core/activity_handler.py", "on_turn", "activity handler dispatch"),
    ("bot/hosting/handler.py", "on_message_activity", "activity handler dispatch"),
    ("bot/hosting/handler.py", "_identify", "identify the member (one query)"),
    ("services/conversations.py", "", "identify the member (one query)"),
    ("botbuilder/core/turn_context.py", "get_conversation_reference", "conversation reference of the activity"),
    ("bot/hosting/references.py", "", "conversation reference of the activity"),
    ("bot/state/storage.py", "holds_no_dialog", "dialog state: does a dialog run? (read from the JSON)"),
    ("botbuilder/dialogs/", "", "dialog machinery (botbuilder-dialogs)"),
    ("bot/hosting/handler.py", "_run_dialog", "dialog machinery (botbuilder-dialogs)"),
    ("botbuilder/core/bot_state.py", "load", "dialog state load (jsonpickle restore)"),
    ("botbuilder/core/bot_state.py", "save_changes", "dialog state: changed? (jsonpickle hash) and write"),
    ("botbuilder/core/bot_state.py", "__init__", "dialog state load (jsonpickle restore)"),
    ("dialogs/main_dialog.py", "", "our dialog: route, answer"),
    ("dialogs/recognizer.py", "recognize", "recognize the intent"),
    ("services/assistant.py", "progress", "progress use case (cached evaluation)"),
    ("dialogs/cards/", "", "render the card"),
    ("dialogs/turn.py", "reply_activity", "render the card"),
    ("botbuilder/core/turn_context.py", "send_activities", "send: copy the activity, apply the reference"),
    ("botbuilder/core/cloud_adapter_base.py", "send_activities", "send: connector call"),
    ("bot/connector/", "", "send: connector call"),
    ("selectors.py", "select", "main thread waiting in epoll: other threads' CPU (aiosqlite, connector)"),
)
# Only when no layer above is on the stack: SQLAlchemy's sync code runs in a greenlet of its own, whose
# stack does not reach the coroutine that awaits it.
FALLBACK_LAYERS: tuple[tuple[str, str, str], ...] = (
    ("sqlalchemy/", "", "SQLAlchemy in its greenlet (its caller is not on the stack: identify, state write)"),
)
LIBRARIES = ("msrest", "copy.py", "jsonpickle", "sqlalchemy", "aiosqlite", "asyncpg", "requests", "urllib3", "json", "aiohttp", "asyncio", "botbuilder", "botframework")


def _layer_of(stack: list[str]) -> tuple[str, str]:
    for layers in (LAYERS, FALLBACK_LAYERS):
        for frame in stack:  # innermost first
            filename, _line, function = frame.rsplit(":", 2)
            for suffix, name, label in layers:
                if suffix in filename and (not name or name == function):
                    return label, _library_of(stack[0])
    return "other (event loop, asyncio, everything not listed)", _library_of(stack[0])


def _library_of(frame: str) -> str:
    filename = frame.rsplit(":", 2)[0]
    for library in LIBRARIES:
        if f"/{library}" in filename:
            return library.removesuffix(".py")
    if str(ROOT) in filename and "site-packages" not in filename:
        return "ours"
    return "python" if "/lib/python3" in filename else "other"


def describe_samples(title: str, data: dict[str, Any], cpu_per_turn: float, top: int = 15) -> str:
    """The samples as CPU ms per turn by layer (and library within it), and the hottest functions."""
    total = sum(sample["count"] for sample in data["samples"]) or 1
    by_layer: dict[str, int] = defaultdict(int)
    by_detail: dict[tuple[str, str], int] = defaultdict(int)
    own: dict[str, int] = defaultdict(int)
    for sample in data["samples"]:
        layer, library = _layer_of(sample["stack"])
        by_layer[layer] += sample["count"]
        by_detail[(layer, library)] += sample["count"]
        own[sample["stack"][0]] += sample["count"]
    out = io.StringIO()
    out.write(f"--- {title}: server CPU {cpu_per_turn * 1e3:.2f} ms per turn, {total:,} samples; by layer (innermost wins), ms of CPU per turn ---\n")
    for layer, count in sorted(by_layer.items(), key=lambda kv: -kv[1]):
        details = sorted(((lib, n) for (name, lib), n in by_detail.items() if name == layer), key=lambda kv: -kv[1])
        inside = ", ".join(f"{lib} {n / total * cpu_per_turn * 1e3:.2f}" for lib, n in details[:4] if n / total >= 0.005)
        out.write(f"  {count / total * cpu_per_turn * 1e3:7.2f} ms {count / total:6.1%}  {layer}  [{inside}]\n")
    out.write(f"  (garbage collector by its callbacks: {data['gc_seconds'] / max(1, data.get('turns', 1)) * 1e3:.2f} ms wall per turn)\n")
    out.write("  hottest functions by own samples:\n")
    for frame, count in sorted(own.items(), key=lambda kv: -kv[1])[:top]:
        filename, line, function = frame.rsplit(":", 2)
        out.write(f"  {count / total * cpu_per_turn * 1e3:7.3f} ms {count / total:6.1%}  {_where((filename, int(line), function))}\n")
    return out.getvalue()


async def sample_server(name: str, database_url: str, channel: TeamsChannel, admin: TeamsUser, args: argparse.Namespace,
                        check: Callable[[str | None, dict], bool], workdir: Path, echo: bool) -> str:
    """The server again, with the sampler in it, under the same concurrent load."""
    path = workdir / f"{name}.samples.json"
    command = [sys.executable, str(Path(__file__).resolve()), "--serve-sampled", str(path)] + (["--echo"] if echo else [])
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    log = workdir / f"{name}.sampled.log"
    with server_process(command, database_url, port, log) as process:
        await wait_until_healthy(channel.session, url, process, log)
        await drive(channel, url, admin, args.clients, args.warmup, check)
        cpu = cpu_seconds_of(process.pid)
        process.send_signal(signal.SIGUSR1)
        await drive(channel, url, admin, args.clients, args.turns, check)
        process.send_signal(signal.SIGUSR2)
        cpu = cpu_seconds_of(process.pid) - cpu
        deadline = time.monotonic() + 10
        while not path.exists() and time.monotonic() < deadline:
            await asyncio.sleep(0.05)
        await asyncio.sleep(0.2)  # the file is written in one call; give it time to land
    data = json.loads(path.read_text())
    data["turns"] = args.turns
    return describe_samples(f"{name}, sampled under {args.clients} concurrent clients ({args.turns} turns)", data, cpu / args.turns)


async def timed_turns(channel: TeamsChannel, url: str, admin: TeamsUser, turns: int) -> float:
    start = time.perf_counter()
    for _ in range(turns):
        replies = await channel.say(url, admin, QUESTION)
        assert replies and is_progress_card(replies[0].content_type, replies[0].activity)
    return (time.perf_counter() - start) / turns


async def profile_turns(database_url: str, admin: TeamsUser, turns: int, top: int = 15) -> str:
    """The bot app in this process on loopback: `turns` sequential turns timed per layer; one turn under
    cProfile; the turn's synchronous CPU part (evaluation, card) under cProfile on its own; and the
    same turns again after `gc.freeze()`."""
    import dialogs.cards.progress
    import dialogs.main_dialog
    import services.progress

    out = io.StringIO()
    settings = Settings(DATABASE_URL=database_url, ALERT_SCAN_INTERVAL_SECONDS=0)
    async with FakeConnector() as connector, aiohttp.ClientSession() as session, open_services(settings) as opened:
        channel = TeamsChannel(connector, session)
        async with LoopbackServer(create_app(settings, opened)) as server:
            for _ in range(5):  # warm-up: caches, connection pool, first-call imports
                await channel.say(server.url, admin, QUESTION)

            watch = Stopwatch()
            undo = instrument(watch, opened.engine)
            try:
                with GcClock() as collector:
                    whole = await timed_turns(channel, server.url, admin, turns)
            finally:
                watch.restore()
                undo()
            out.write(f"--- one turn, sequential, in this process: {whole * 1e3:.1f} ms wall (mean of {turns}); inside each layer per turn ---\n")
            rows = sorted(watch.seconds.items(), key=lambda kv: -kv[1])
            rows += [(f"garbage collector, generation {g} ({collector.collections[g] / turns:.1f} collections/turn)", collector.seconds[g]) for g in sorted(collector.seconds)]
            for label, seconds in rows:
                calls = f"{watch.calls[label] / turns:5.1f} calls" if label in watch.calls else " " * 11
                out.write(f"  {seconds / turns * 1e3:8.2f} ms {seconds / turns / whole:6.1%}  {calls}  {label}\n")

            whole_profile = cProfile.Profile()
            whole_profile.enable()
            await channel.say(server.url, admin, QUESTION)
            whole_profile.disable()

            cpu_profile = cProfile.Profile()  # enabled only inside the synchronous steps (whichever thread runs them)
            watch = Stopwatch()
            renderer = dialogs.main_dialog if hasattr(dialogs.main_dialog, "progress_reply") else dialogs.cards.progress
            for owner, name in ((services.progress, "evaluate_organization"), (renderer, "progress_reply")):
                original = getattr(owner, name)

                def profiled(*args: Any, _original: Callable[..., Any] = original, **kwargs: Any) -> Any:
                    cpu_profile.enable()
                    try:
                        return _original(*args, **kwargs)
                    finally:
                        cpu_profile.disable()

                watch._saved.append((owner, name, original))
                setattr(owner, name, profiled)
            try:
                await channel.say(server.url, admin, QUESTION)
            finally:
                watch.restore()

            gc.collect()
            gc.freeze()  # what bot/hosting/serve.py could do once the app has started
            try:
                frozen = await timed_turns(channel, server.url, admin, turns)
            finally:
                gc.unfreeze()
            out.write(f"--- the same turns after gc.freeze() (start-up objects out of the collector's way): {frozen * 1e3:.1f} ms wall per turn ---\n")

    stats = pstats.Stats(whole_profile).stats  # type: ignore[attr-defined]
    out.write(f"--- cProfile of one whole turn: {sum(v[2] for v in stats.values()) * 1e3:.0f} ms profiled. Client, server and connector share this loop; the\n"
              f"    event loop's own frames are left out. SQLAlchemy's greenlet switches confuse cProfile: time after a query may be\n"
              f"    charged to the wrong frame, and the evaluation runs in a worker thread (asyncio.to_thread), so see the next table ---\n")
    _top(out, stats, "cumulative time", 3, top)
    cpu_profile.create_stats()
    if not cpu_profile.stats:  # type: ignore[attr-defined]
        out.write("--- the same turn's synchronous CPU part (evaluate_organization + progress_reply): neither ran, the cached evaluation and card answered ---\n")
        return out.getvalue()
    stats = pstats.Stats(cpu_profile).stats  # type: ignore[attr-defined]
    out.write(f"--- cProfile of the same turn's synchronous CPU part (evaluate_organization + progress_reply): {sum(v[2] for v in stats.values()) * 1e3:.0f} ms ---\n")
    _top(out, stats, "cumulative time", 3, top)
    _top(out, stats, "own time (tottime)", 2, top)
    return out.getvalue()


def _event_loop_plumbing(key: tuple[str, int, str]) -> bool:
    """Frames that only say "the event loop ran something" (or waited in epoll)."""
    filename, _line, function = key
    return (
        "/asyncio/" in filename
        or filename.endswith("selectors.py")
        or function in ("<method 'run' of '_contextvars.Context' objects>", "<method 'poll' of 'select.epoll' objects>")
    )


# --- main ----------------------------------------------------------------------------------------------


def describe(result: LoadResult) -> str:
    return (f"{result.name:<16} {result.per_second:8.1f} turns/s  {result.turns} turns in {result.seconds:5.2f} s  "
            f"latency p50 {result.percentile(0.5) * 1e3:6.1f} ms  p95 {result.percentile(0.95) * 1e3:6.1f} ms  "
            f"max {max(result.latencies) * 1e3:6.1f} ms  server CPU {result.cpu_per_turn * 1e3:5.2f} ms/turn  VmHWM {result.memory['VmHWM'] / 1024:6.1f} MiB  VmRSS {result.memory['VmRSS'] / 1024:6.1f} MiB")


@dataclasses.dataclass
class BackendResult:
    backend: str
    competency: LoadResult
    echo: LoadResult
    profile: str

    @property
    def ratio(self) -> float:
        return self.competency.per_second / self.echo.per_second


async def run_backend(args: argparse.Namespace, database_url: str, workdir: Path) -> BackendResult:
    now = datetime.now(timezone.utc).replace(microsecond=0)
    started = time.perf_counter()
    admin, stats = await prepare_database(database_url, now)
    backend = database_url.split("+")[0].split(":")[0]
    print(f"bot bench: {backend}, {stats['users']:,} people, {stats['achievements']:,} achievements (imported in {time.perf_counter() - started:.1f} s); "
          f"{args.clients} concurrent clients, {args.turns} turns after {args.warmup} warm-up; Python {sys.version.split()[0]}, {os.cpu_count()} CPUs", flush=True)

    serve = [str(Path(sys.executable).with_name("competency-bot")), "serve"]
    echo = [sys.executable, str(Path(__file__).resolve()), "--serve-echo"]
    async with FakeConnector() as connector, aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=args.clients * 2)) as session:
        channel = TeamsChannel(connector, session)
        competency, echoed = await measure_servers([("competency bot", serve, is_progress_card), ("echo bot", echo, is_echo)], database_url, channel, admin, args, workdir)
        print(describe(competency), flush=True)
        print(describe(echoed), flush=True)
        connections = len(connector.connections)
    print(f"TCP connections the fake connector accepted for {2 * (args.turns + args.warmup)} replies from the two servers: {connections}", flush=True)
    async with FakeConnector() as connector, aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=args.clients * 2)) as session:
        channel = TeamsChannel(connector, session)
        sampled = await sample_server("competency bot", database_url, channel, admin, args, is_progress_card, workdir, echo=False)
        sampled += await sample_server("echo bot", database_url, channel, admin, args, is_echo, workdir, echo=True)
    profile = sampled + await profile_turns(database_url, admin, args.profile_turns)
    return BackendResult(backend, competency, echoed, profile)


async def run(args: argparse.Namespace, workdir: Path) -> int:
    urls = [args.database_url or f"sqlite+aiosqlite:///{workdir / 'bot-bench.db'}"]
    if args.postgres_url:
        urls.append(args.postgres_url)
    results = []
    for url in urls:
        result = await run_backend(args, url, workdir)
        print(f"\n--- {result.backend} ---\n" + result.profile, flush=True)
        results.append(result)
    print("=== summary ===")
    for result in results:
        print(f"[{result.backend}] {describe(result.competency)}")
        print(f"[{result.backend}] {describe(result.echo)}")
    header = f"{'':<34}" + "".join(f"{r.backend:>14}" for r in results)
    print(header)
    rows = [
        ("competency bot turns/s", lambda r: f"{r.competency.per_second:.1f}"),
        ("echo bot turns/s", lambda r: f"{r.echo.per_second:.1f}"),
        ("ratio competency/echo", lambda r: f"{r.ratio:.2f}"),
        ("ratio of server CPU, echo/competency", lambda r: f"{r.echo.cpu_per_turn / r.competency.cpu_per_turn:.2f}"),
        ("competency p50 / p95 ms", lambda r: f"{r.competency.percentile(0.5) * 1e3:.0f} / {r.competency.percentile(0.95) * 1e3:.0f}"),
        ("echo p50 / p95 ms", lambda r: f"{r.echo.percentile(0.5) * 1e3:.0f} / {r.echo.percentile(0.95) * 1e3:.0f}"),
        ("competency server CPU ms/turn", lambda r: f"{r.competency.cpu_per_turn * 1e3:.2f}"),
        ("echo server CPU ms/turn", lambda r: f"{r.echo.cpu_per_turn * 1e3:.2f}"),
        ("competency VmHWM MiB", lambda r: f"{r.competency.memory['VmHWM'] / 1024:.1f}"),
        ("echo VmHWM MiB", lambda r: f"{r.echo.memory['VmHWM'] / 1024:.1f}"),
    ]
    for label, value in rows:
        print(f"{label:<34}" + "".join(f"{value(r):>14}" for r in results))
    first = results[0]
    print(f"ratio competency/echo on {first.backend}: {first.ratio:.2f} (target >= {TARGET_RATIO}) -> {'OK' if first.ratio >= TARGET_RATIO else 'BELOW TARGET'}")
    for result in results:
        print(f"[{result.backend}] replies checked: {result.competency.replies_checked} progress cards, {result.echo.replies_checked} echoes")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--database-url", help="an existing database (migrated and imported into) instead of a temporary SQLite file")
    parser.add_argument("--postgres-url", help="also run on this PostgreSQL database and print both side by side")
    parser.add_argument("--clients", type=int, default=8, help="concurrent clients (default 8)")
    parser.add_argument("--turns", type=int, default=3000, help="measured turns per bot (default 3,000: 600-turn runs swing by 0.05-0.1 in the ratio)")
    parser.add_argument("--warmup", type=int, default=24, help="warm-up turns per bot (default 24)")
    parser.add_argument("--rounds", type=int, default=3, help="alternating blocks the measured turns of the two bots are driven in (default 3)")
    parser.add_argument("--profile-turns", type=int, default=20, help="sequential turns for the per-layer breakdown (default 20)")
    parser.add_argument("--serve-echo", action="store_true", help="child mode: serve the echo bot on HOST:PORT from the environment")
    parser.add_argument("--serve-sampled", type=Path, help="child mode: serve the bot (or with --echo the echo bot) with the sampling profiler, samples to this file")
    parser.add_argument("--echo", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.serve_sampled:
        serve_sampled(Settings(), args.serve_sampled, args.echo)
        return 0
    if args.serve_echo:
        asyncio.run(serve_echo(Settings()))
        return 0
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="bot-bench-") as workdir:
        code = asyncio.run(run(args, Path(workdir)))
    print(f"(bench took {time.perf_counter() - started:.0f} s)")
    return code


if __name__ == "__main__":
    sys.exit(main())
