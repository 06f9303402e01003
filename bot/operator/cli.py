"""`competency-bot` (also `python -m bot`): the operator's command line (SPEC 4.3).

Bad input is one line on stderr and exit code 2, never a traceback."""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import sys
from collections.abc import Sequence
from datetime import date, datetime, timezone
from pathlib import Path

from pydantic import ValidationError
from sqlalchemy.exc import SQLAlchemyError

from bot.bootstrap import open_services
from bot.operator.logs import configure_logging
from bot.operator.progress_table import render_progress
from bot.operator.what_if_table import render_what_if
from dialogs.cards import alert_summary
from services.alert_scan import scan_alerts
from services.dataset_validation import parse_dataset
from services.demo_dataset import load_demo
from services.domain.catalog import Catalog
from services.domain.what_if import Change, ChangeKind
from services.errors import DatasetError, DomainError
from services.importer import ImportReport, import_dataset
from services.outbox import AlertListing, list_alerts
from services.partner_center.exports import ExportReport, import_exports
from services.progress import organization_progress
from services.reporting import evaluation_json, what_if_json
from services.settings import Settings
from services.what_if import what_if

PROG = "competency-bot"


class UsageError(Exception):
    """Bad input on the command line: reported in one line, exit 2."""


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog=PROG, description="Track a Microsoft partner organisation's competency progress.")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    db = commands.add_parser("db", help="database maintenance")
    db_commands = db.add_subparsers(dest="db_command", required=True, metavar="ACTION")
    db_commands.add_parser("upgrade", help="apply the database migrations")

    importer = commands.add_parser("import", help="validate a dataset or Partner Center export CSVs and upsert them in one transaction")
    importer.add_argument("file", type=Path, nargs="+", help="a JSON dataset (see contract/dataset.schema.json) or a Partner Center export CSV (SPEC 4.8)")
    importer.add_argument("--org", metavar="ORG_ID", help="the organisation the CSV files belong to (needed where a file has no organisation column)")
    importer.add_argument("--dry-run", action="store_true", help="report what would be added, changed and skipped, and write nothing")

    commands.add_parser("demo", help="import the bundled demo dataset (dates relative to today)")

    commands.add_parser("serve", help="migrate the database and run the bot's web app on HOST:PORT")

    alerts = commands.add_parser("alerts", help="proactive alerts: find causes, deliver, list")
    alert_commands = alerts.add_subparsers(dest="alerts_command", required=True, metavar="ACTION")
    scan = alert_commands.add_parser("scan", help="find new alert causes in every organisation and queue them")
    scan.add_argument("--send", action="store_true", help="also deliver the alerts that are due")
    listing = alert_commands.add_parser("list", help="show alert causes and their deliveries")
    listing.add_argument("--org", metavar="ID", help="only this organisation")

    nlu = commands.add_parser("nlu", help="print the recognised intent and entities of TEXT, or of each stdin line, as JSON")
    nlu.add_argument("text", nargs="?", metavar="TEXT")
    nlu.add_argument("--locale", metavar="L", help="the activity locale, e.g. de-DE (decides the language)")

    progress = commands.add_parser("progress", help="evaluate one organisation")
    progress.add_argument("organization", metavar="ORG_ID")
    progress.add_argument("--json", action="store_true", help="machine-readable output (SPEC 4.6)")
    progress.add_argument("--at", metavar="ISO-DATETIME", type=parse_moment, help="evaluate at this moment instead of now")
    progress.add_argument("--level", choices=("silver", "gold"), help="rank upgrade options toward this level")

    what_if_parser = commands.add_parser("what-if", help="what one hypothetical change would alter (R15); nothing is stored")
    what_if_parser.add_argument("organization", metavar="ORG_ID")
    change = what_if_parser.add_mutually_exclusive_group(required=True)
    change.add_argument("--leaves", metavar="USER_ID", help="the person leaves today")
    change.add_argument("--earns", metavar="USER_ID:CODE", type=user_and_code, help="the person earns the credential, counting at once")
    change.add_argument("--loses", metavar="USER_ID:CODE", type=user_and_code, help="the person's credential is lost")
    what_if_parser.add_argument("--json", action="store_true", help="machine-readable output (SPEC 4.3)")
    what_if_parser.add_argument("--at", metavar="ISO-DATETIME", type=parse_moment, help="evaluate at this moment instead of now")

    package = commands.add_parser("package", help="build the Teams app package: the manifest with the bot's app id, icons and translations in a zip")
    package.add_argument("--out", type=Path, default=Path("build/appPackage.zip"), metavar="FILE", help="where to write the zip (default: build/appPackage.zip)")
    package.add_argument("--app-id", metavar="GUID", help="the bot's app id (default: the MicrosoftAppId setting)")
    return parser


def parse_moment(text: str) -> datetime:
    """ISO 8601 date or date-time; without an offset it is taken as UTC."""
    try:
        moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        try:
            moment = datetime.combine(date.fromisoformat(text), datetime.min.time())
        except ValueError:
            raise argparse.ArgumentTypeError(f"not an ISO 8601 date-time: {text!r}") from None
    return moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)


def user_and_code(text: str) -> tuple[str, str]:
    user, _, code = text.rpartition(":")
    if not user or not code:
        raise argparse.ArgumentTypeError(f"expected USER_ID:CODE, got {text!r}")
    return user, code


def change_of(args: argparse.Namespace) -> Change:
    if args.leaves:
        return Change("leaves", args.leaves)
    kind: ChangeKind = "earns" if args.earns else "loses"
    user, code = args.earns or args.loses
    return Change(kind, user, code)


def now() -> datetime:
    return datetime.now(timezone.utc).replace(microsecond=0)


class TerminalProgress:
    """A one-line progress bar on stderr, only when stderr is a terminal."""

    def __init__(self, stream=None):
        self.stream = stream = stream or sys.stderr
        self.enabled = stream.isatty()

    def __call__(self, section: str, done: int, total: int) -> None:
        if not self.enabled:
            return
        width = 30
        filled = int(width * done / total) if total else width
        self.stream.write(f"\r{section:>14} [{'#' * filled}{'.' * (width - filled)}] {done:,}/{total:,}")
        if done >= total:
            self.stream.write("\n")
        self.stream.flush()


def read_dataset(path: Path, max_bytes: int) -> dict:
    try:
        size = path.stat().st_size
        if size > max_bytes:
            raise DatasetError("$", f"file is {size:,} bytes, more than the limit of {max_bytes:,} (IMPORT_MAX_BYTES)")
        raw = path.read_bytes()
    except FileNotFoundError:
        raise UsageError(f"no such file: {path}") from None
    except IsADirectoryError:
        raise UsageError(f"is a directory: {path}") from None
    except PermissionError:
        raise UsageError(f"cannot read {path}: permission denied") from None
    if not raw.strip():
        raise DatasetError("$", "empty file")
    return parse_dataset(raw)


def _print_import(report: ImportReport, out, would: bool = False) -> None:
    counts = ", ".join(f"{n:,} {section}" for section, n in report.counts.items() if n)
    catalog = f"; catalog {report.catalog_version} {'now active' if report.catalog_changed else 'unchanged'}" if report.catalog_version else ""
    moved = f"; {report.dissolved_links} MSA link(s) dissolved (moved to another organisation)" if report.dissolved_links else ""
    print(f"{'dry run, nothing written: would import' if would else 'imported'} {counts or 'nothing'}{catalog}{moved}", file=out)


# --- Partner Center exports (SPEC 4.8) -----------------------------------------------------------


def is_json_dataset(path: Path) -> bool:
    """A `.json` file, or one whose first character is `{`: a CSV header never starts so."""
    if path.suffix.lower() == ".json":
        return True
    try:
        with path.open("rb") as handle:
            start = handle.read(64).removeprefix(b"\xef\xbb\xbf").lstrip()
    except OSError:
        return False  # reported when the file is opened for the import
    return start[:1] in (b"{", b"[")


async def import_partner_center(args: argparse.Namespace, settings: Settings, services, out) -> tuple[str, ...]:
    """Every file in one transaction; returns the organisations whose data changed (none on a dry run)."""
    for path in args.file:
        if not path.exists():
            raise UsageError(f"no such file: {path}")
        if path.is_dir():
            raise UsageError(f"is a directory: {path}")
    documents = [read_dataset(path, settings.import_max_bytes) for path in args.file if is_json_dataset(path)]
    csv_paths = [path for path in args.file if not is_json_dataset(path)]
    report = await import_exports(services.uows, csv_paths, now(), documents=documents, organization=args.org, dry_run=args.dry_run, progress=TerminalProgress())
    for dataset in report.datasets:
        _print_import(dataset, out, would=report.dry_run)
    for read in report.files:
        print(f"read {read.name}: {read.dataset}, {read.rows:,} row(s), {read.counted:,} counted", file=out)
    print(describe_changes(report), file=out)
    for line in report.warnings:
        print(f"warning: {line}", file=sys.stderr)
    for line in report.skipped:
        print(line, file=sys.stderr)
    return () if report.dry_run else report.organizations


def describe_changes(report: ExportReport) -> str:
    """`added 3 user(s), 5 achievement(s); changed 1 metric value(s); 120 row(s) already up to date`
    (or "would add ...")."""
    labels = {"users": "user(s)", "msa_links": "MSA link(s)", "achievements": "achievement(s)", "metrics": "metric value(s)", "held_levels": "held level(s)", "memberships": "membership(s)"}
    parts = []
    for verb, attribute in (("add", "added"), ("change", "changed"), ("remove", "removed")):
        items = [f"{getattr(c, attribute):,} {labels[s]}" for s, c in report.changes.items() if getattr(c, attribute)]
        if items:
            parts.append(f"{'would ' + verb if report.dry_run else attribute} {', '.join(items)}")
    unchanged = report.unchanged_rows
    moved = f"; {report.dissolved_links} MSA link(s) {'would be ' if report.dry_run else ''}dissolved (moved to another organisation)" if report.dissolved_links else ""
    summary = "; ".join(parts) or ("would change nothing" if report.dry_run else "changed nothing")
    return f"{'dry run, nothing written: ' if report.dry_run else ''}{summary}; {unchanged:,} row(s) already up to date{moved}"


def package_app(args: argparse.Namespace, settings: Settings, out) -> int:
    from bot.operator.teams_package import PackageError, build_package

    app_id = args.app_id or settings.microsoft_app_id
    if not app_id:
        print(f"{PROG}: error: MicrosoftAppId is empty: set it to the Azure Bot's app id, or pass --app-id", file=sys.stderr)
        return 2
    try:
        package = build_package(app_id, args.out)
    except PackageError as exc:
        print(f"{PROG}: error: {exc}", file=sys.stderr)
        return 2
    except OSError as exc:
        print(f"{PROG}: error: cannot write {args.out}: {exc.strerror or exc}", file=sys.stderr)
        return 2
    print(f"wrote {package.path} ({', '.join(package.files)}) for bot {package.app_id}", file=out)
    return 0


def recognize_lines(args: argparse.Namespace, out) -> int:
    from dialogs.recognizer import recognize

    def emit(line: str) -> None:
        result = recognize(line, args.locale)
        body = {"intent": result.intent, "score": round(result.score, 4), "level": result.level,
                "competency": result.competency, "credential": result.credential, "person": result.person,
                "language": result.language}
        print(json.dumps(body, ensure_ascii=False), file=out, flush=True)

    if args.text is not None:
        emit(args.text)
    else:
        for line in sys.stdin:
            emit(line.rstrip("\n"))
    return 0


async def run(args: argparse.Namespace, settings: Settings, out=None) -> int:
    out = out or sys.stdout
    if args.command == "serve":
        from bot.hosting.serve import serve

        await serve(settings)
        return 0
    async with open_services(settings, migrate=args.command != "db") as services:
        if args.command == "db":
            from services.persistence.database import upgrade_database

            migration = await upgrade_database(services.engine)
            print(migration.describe(), file=out)
        elif args.command == "import" and (len(args.file) > 1 or args.org or args.dry_run or not is_json_dataset(args.file[0])):
            organizations = await import_partner_center(args, settings, services, out)
            if organizations:
                scan = await scan_alerts(services.uows, now(), organizations)
                print(f"alert scan: {scan.new_causes} new cause(s), {scan.cleared_causes} cleared, {scan.queued_deliveries} delivery(ies) queued", file=out)
        elif args.command in ("import", "demo"):
            if args.command == "demo":
                loaded = await load_demo(services.uows, now())
                if loaded is None:
                    print("the demo dataset is already loaded; nothing changed", file=out)
                    return 0
                report = loaded
            else:
                report = await import_dataset(services.uows, read_dataset(args.file[0], settings.import_max_bytes), now(), TerminalProgress())
            _print_import(report, out)
            if report.organizations:  # every organisation the import touched is scanned for alert causes
                scan = await scan_alerts(services.uows, now(), report.organizations)
                if args.command == "import":  # an operator's figure; the demo's first run has nobody to alert
                    print(f"alert scan: {scan.new_causes} new cause(s), {scan.cleared_causes} cleared, {scan.queued_deliveries} delivery(ies) queued", file=out)
        elif args.command == "alerts":
            await _alerts(args, services, out)
        elif args.command == "progress":
            evaluation = await organization_progress(services.uows, args.organization, args.at or now(), args.level)
            if args.json:
                json.dump(evaluation_json(evaluation), out, indent=2, ensure_ascii=False)
                out.write("\n")
            else:
                print(render_progress(evaluation), file=out)
        elif args.command == "what-if":
            result = await what_if(services.uows, args.organization, change_of(args), args.at or now())
            if args.json:
                json.dump(what_if_json(args.organization, result), out, indent=2, ensure_ascii=False)
                out.write("\n")
            else:
                print(render_what_if(args.organization, result), file=out)
    return 0


async def _alerts(args: argparse.Namespace, services, out) -> None:
    if args.alerts_command == "scan":
        scan = await scan_alerts(services.uows, now())
        print(f"scanned {scan.organizations} organisation(s): {scan.new_causes} new cause(s), {scan.cleared_causes} cleared, {scan.queued_deliveries} delivery(ies) queued", file=out)
        if args.send:
            from bot.bootstrap import build_adapter, build_alerts

            worker = build_alerts(services, build_adapter(services))
            await worker.drain(timeout=60)
            print("delivered what was due; retries still waiting are kept in the outbox", file=out)
        return
    listings = await list_alerts(services.uows, args.org)
    if not listings:
        print("no alert causes recorded", file=out)
        return
    async with services.uows() as uow:
        catalog = await uow.repository.active_catalog()
    moment = now()
    for item in listings:
        # The first line keeps the ids and the cause key, for scripts; the next names things as the
        # admins know them (the organisation, people, catalog titles), as the alert card does.
        state = f"cleared {item.cleared_at:%Y-%m-%d %H:%M}" if item.cleared_at else "active"
        print(f"#{item.cause_id} {item.organization_id} {item.kind} ({state}, found {item.found_at:%Y-%m-%d %H:%M}) {item.key}", file=out)
        print(f"    {item.organization_name}: {_alert_summary(item, catalog, moment)}", file=out)
        for user_id, delivery_state, attempts, status in item.deliveries:
            name = f" ({item.recipient_names[user_id]})" if user_id in item.recipient_names else ""
            print(f"    to {user_id}{name}: {delivery_state} after {attempts} attempt(s){f', last {status}' if status else ''}", file=out)


def _alert_summary(item: AlertListing, catalog: Catalog, moment: datetime) -> str:
    try:
        return alert_summary(item.kind, item.details, item.organization_name, catalog, "en", moment)
    except (KeyError, TypeError, ValueError, IndexError):  # recorded by an older release in another shape
        return f"{item.kind} (recorded in an older format; see the key)"


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        settings = Settings()
    except ValidationError as exc:
        first = exc.errors()[0]
        print(f"{PROG}: error: setting {first['loc'][0]}: {first['msg']}", file=sys.stderr)
        return 2
    configure_logging(settings.log_level)
    if args.command == "nlu":  # needs no database
        return recognize_lines(args, sys.stdout)
    if args.command == "package":  # needs no database either
        return package_app(args, settings, sys.stdout)
    try:
        return asyncio.run(run(args, settings))
    except (DomainError, UsageError) as exc:
        print(f"{PROG}: error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:  # `competency-bot progress X | head`: the reader has gone, nothing to report
        sys.stdout = open(os.devnull, "w")  # noqa: SIM115 - silences the interpreter's flush at exit
        return 0
    except (SQLAlchemyError, OSError) as exc:
        print(f"{PROG}: error: database {settings.database_url.split('://')[0]} unreachable or failing: {str(exc).splitlines()[0]}", file=sys.stderr)
        return 1
