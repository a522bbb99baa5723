"""What the import and export commands share: arguments, a progress bar, the report, and
writing an export so that a failed one never leaves half a file behind."""

import os
import signal
import tempfile
import threading
import zoneinfo
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from tqdm import tqdm

from .models import ImportRun
from .records import SourceFileError
from .services.cancelling import ImportCancelled
from .services.importing import import_file


class ImportCommand(BaseCommand):
    format = ""  # transfer.models.Format value
    # Django's system checks import every template tag library (xtd's pulls in Django REST
    # framework and docutils): a second each run, half of a re-run that finds nothing new.
    # They are for `check`, `migrate` and the servers; reading a file needs none of them.
    requires_system_checks = []

    def add_arguments(self, parser):
        parser.add_argument("file", help="The export file to read.")
        parser.add_argument(
            "--dry-run", action="store_true", help="Report what would change; store nothing."
        )
        parser.add_argument(
            "--force",
            action="store_true",
            help="Read the file even if this very file was imported before (rows imported "
            "then are still recognised and left alone).",
        )
        parser.add_argument(
            "--timezone",
            help="Time zone of dates the file gives without one (default: TIME_ZONE).",
        )
        parser.add_argument("--no-progress", action="store_true", help="No progress bar.")

    def handle(self, *args, **options):
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(f"No such file: {path}")
        if path.stat().st_size == 0:
            # As the admin's upload form refuses one; the parsers would only say "no element
            # found" or "premature EOF" (a download that failed, say).
            raise CommandError(f"{path.name} is empty (0 bytes). Nothing was imported.")
        try:
            zone = zoneinfo.ZoneInfo(options["timezone"]) if options["timezone"] else None
        except (zoneinfo.ZoneInfoNotFoundError, ValueError) as error:
            raise CommandError(f"Unknown time zone: {options['timezone']}") from error
        bar = None
        if not options["no_progress"] and options["verbosity"] > 0:
            # No monitor thread (it only redraws a stalled bar): a process with a second
            # thread reads the file in a thread, not in a faster child (services.read_ahead).
            tqdm.monitor_interval = 0
            bar = tqdm(
                total=path.stat().st_size, unit="B", unit_scale=True, desc=path.name,
                file=self.stderr._out,
            )  # fmt: skip

        def progress(done: int, total: int) -> None:
            if bar is not None:
                bar.total = total
                bar.update(done - bar.n)

        def waiting(other: ImportRun) -> None:
            # Else the bar stands still at 0 for as long as the other import takes.
            if options["verbosity"] > 0:
                tqdm.write(_waiting_note(other), file=self.stderr._out)

        try:
            with _stopped_as_by_ctrl_c():
                report = import_file(
                    path=path, format=self.format, dry_run=options["dry_run"],
                    force=options["force"], progress=progress, site_timezone=zone,
                    waiting=waiting,
                )  # fmt: skip
        except SourceFileError as error:
            raise CommandError(f"{path.name}: {error}. Nothing was imported.") from error
        except KeyboardInterrupt:
            raise CommandError(f"{path.name}: interrupted. Nothing was imported.") from None
        except ImportCancelled:
            # Its run shows in the admin's list, where it may be cancelled like any other.
            raise CommandError(
                f"{path.name}: cancelled from the admin. Nothing was imported."
            ) from None
        finally:
            if bar is not None:
                bar.close()
        for line in report.lines():
            self.stdout.write(line)


def _waiting_note(other: ImportRun) -> str:
    started = timezone.localtime(other.started_at or other.created_at).strftime("%Y-%m-%d %H:%M %Z")
    by = other.started_by.get_username() if other.started_by else "the command line"
    name = f" ({other.file_name})" if other.file_name else ""
    return (
        f"Waiting for another import to finish: {other.get_format_display()} import "
        f"{other.pk}{name}, running since {started}, started by {by}. Imports run one at a "
        "time; this one starts when it ends."
    )


@contextmanager
def _stopped_as_by_ctrl_c() -> Iterator[None]:
    """Inside, a process told to stop (SIGTERM: systemd, `docker stop`, kill) ends the
    import as Ctrl-C does: rolled back, its run failed and said so. Python's default for
    SIGTERM ends the process on the spot, leaving the run "running" in the admin's list
    until beat's sweep, hours later."""
    if threading.current_thread() is not threading.main_thread():
        yield  # only the main thread may set a handler
        return

    def interrupt(signum, frame):
        raise KeyboardInterrupt

    previous = signal.signal(signal.SIGTERM, interrupt)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


class ExportCommand(BaseCommand):
    def add_arguments(self, parser):
        parser.add_argument("--output", required=True, help="The file to write ('-': stdout).")
        parser.add_argument(
            "--site-url",
            default=settings.PARLEY_SITE_URL,
            help="The site's address, for links in the file (default: PARLEY_SITE_URL).",
        )

    def export(self, out, *, site_url: str) -> dict:
        raise NotImplementedError

    def handle(self, *args, **options):
        site_url = options["site_url"].rstrip("/")
        if options["output"] == "-":
            counts = self.export(self.stdout._out.buffer, site_url=site_url)
        else:
            target = _output_target(options["output"])
            # Written beside the target and renamed once complete.
            try:
                handle, temporary = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.")
            except OSError as error:
                raise CommandError(f"Cannot write to {target.parent}: {error.strerror}.") from error
            try:
                with os.fdopen(handle, "wb") as out:
                    counts = self.export(out, site_url=site_url)
                os.replace(temporary, target)
            except OSError as error:  # the disk filled up, say, half-way through
                Path(temporary).unlink(missing_ok=True)
                raise CommandError(
                    f"Could not write {target}: {error.strerror or error}. Nothing was "
                    f"written; {target.name} is as it was."
                ) from error
            except BaseException:
                Path(temporary).unlink(missing_ok=True)
                raise
            parts = ", ".join(f"{n} {what}" for what, n in counts.items())
            self.stderr.write(f"Wrote {target}: {parts}.")


def _output_target(output: str) -> Path:
    """The file --output names, refused with a clear message when it cannot be one."""
    if not output.strip():
        raise CommandError("--output needs a file name (or '-' for stdout).")
    target = Path(output).resolve()
    if target.is_dir():
        raise CommandError(f"--output {output} is a directory: give a file name.")
    if not target.parent.is_dir():
        raise CommandError(f"--output {output}: no such directory {target.parent}.")
    return target
