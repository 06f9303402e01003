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
   the ActivityHandler swapped, `create_app`, CompetencyAdapter/CloudAdapter, the same connector),
   and the ratio of the two.
4. Where one turn's time goes, in this process: wall-clock time inside each layer (identify and
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
from aiohttp import web  # noqa: E402
from botbuilder.core import ActivityHandler, MessageFactory, TurnContext  # noqa: E402
from sqlalchemy import event  # noqa: E402

from bot.bootstrap import build_bot, open_services  # noqa: E402
from bot.hosting.app import create_app  # noqa: E402
from services.importer import import_dataset  # noqa: E402
from services.persistence.repository import CatalogCache  # noqa: E402
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
    return TeamsUser("29:bench-admin", admin["aad_object_id"], dataset["organizations"][0]["tenant_id"], "en-US", admin["display_name"]), stats


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
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
            try:
                process.wait(10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


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

    @property
    def per_second(self) -> float:
        return self.turns / self.seconds

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


async def measure_server(name: str, command: list[str], database_url: str, channel: TeamsChannel, admin: TeamsUser, args: argparse.Namespace,
                         check: Callable[[str | None, dict], bool], workdir: Path) -> LoadResult:
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    log = workdir / f"{name}.log"
    with server_process(command, database_url, port, log) as process:
        await wait_until_healthy(channel.session, url, process, log)
        await drive(channel, url, admin, args.clients, args.warmup, check)
        seconds, latencies, checked = await drive(channel, url, admin, args.clients, args.turns, check)
        memory = memory_of(process.pid)
    return LoadResult(name, args.turns, seconds, latencies, memory, checked)


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
    """Wrap the layers a progress turn passes through; returns how to undo the SQL hooks."""
    from botframework.connector.aio.operations_async import ConversationsOperations

    import bot.hosting.app
    import bot.hosting.handler
    import bot.state.storage
    import dialogs.main_dialog
    import services.assistant
    import services.progress
    from services.persistence.repository import Repository

    watch.wrap(bot.hosting.app, "parse_activity", "parse + deserialize the activity")
    watch.wrap(bot.hosting.handler.CompetencyBot, "_identify", "identify the member: member, reference, data stamp and dialog state in one query (DB)")
    watch.wrap(bot.state.storage.SqlStorage, "read", "dialog state read (prefetched by identify: no DB)")
    watch.wrap(bot.state.storage.SqlStorage, "write", "dialog state write (DB)")
    watch.wrap(services.assistant, "organization_progress", "progress use case: version check, cached evaluation (DB)")
    watch.wrap(Repository, "snapshot", "load the organisation snapshot (DB)")
    watch.wrap(services.progress, "evaluate_organization", "evaluate (domain)")
    watch.wrap(dialogs.main_dialog, "progress_reply", "render the card")
    watch.wrap(ConversationsOperations, "reply_to_activity", "send the reply to the connector")

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
            for owner, name in ((services.progress, "evaluate_organization"), (dialogs.main_dialog, "progress_reply")):
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
            f"max {max(result.latencies) * 1e3:6.1f} ms  server VmHWM {result.memory['VmHWM'] / 1024:6.1f} MiB  VmRSS {result.memory['VmRSS'] / 1024:6.1f} MiB")


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
        competency = await measure_server("competency bot", serve, database_url, channel, admin, args, is_progress_card, workdir)
        print(describe(competency), flush=True)
        echoed = await measure_server("echo bot", echo, database_url, channel, admin, args, is_echo, workdir)
        print(describe(echoed), flush=True)
        connections = len(connector.connections)
    print(f"TCP connections the fake connector accepted for {2 * (args.turns + args.warmup)} replies from the two servers: {connections}", flush=True)
    profile = await profile_turns(database_url, admin, args.profile_turns)
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
        ("competency p50 / p95 ms", lambda r: f"{r.competency.percentile(0.5) * 1e3:.0f} / {r.competency.percentile(0.95) * 1e3:.0f}"),
        ("echo p50 / p95 ms", lambda r: f"{r.echo.percentile(0.5) * 1e3:.0f} / {r.echo.percentile(0.95) * 1e3:.0f}"),
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
    parser.add_argument("--turns", type=int, default=200, help="measured turns per bot (default 200)")
    parser.add_argument("--warmup", type=int, default=24, help="warm-up turns per bot (default 24)")
    parser.add_argument("--profile-turns", type=int, default=20, help="sequential turns for the per-layer breakdown (default 20)")
    parser.add_argument("--serve-echo", action="store_true", help="child mode: serve the echo bot on HOST:PORT from the environment")
    args = parser.parse_args(argv)
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
