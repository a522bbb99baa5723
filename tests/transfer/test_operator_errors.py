"""Operator mistakes end in a clear error, not a traceback: an export written nowhere, and
dates beyond what can be stored, which are refused row by row with the item named."""

import json
import os
import signal
from zoneinfo import ZoneInfo

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, ManagementUtility, call_command
from django.db import connections

from comments.models import Comment
from tests.transfer import wxr_build
from tests.transfer.test_disqus import post_xml, thread_xml, write
from transfer.services.importing import import_file

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("command", ["export_json", "export_wordpress", "export_disqus"])
@pytest.mark.parametrize("output", ["/nonexistent/dir/x.json", "DIRECTORY", ""])
def test_an_export_to_a_place_no_file_can_be_is_a_clear_error(command, output, tmp_path):
    """--output in a missing directory, naming a directory, or empty: a CommandError."""
    output = str(tmp_path) if output == "DIRECTORY" else output
    options = {"forum": "scratch"} if command == "export_disqus" else {}
    with pytest.raises(CommandError, match=r"--output"):
        call_command(command, output=output, **options)
    assert list(tmp_path.iterdir()) == []


def test_a_backup_to_a_full_disk_is_a_clear_error_and_leaves_the_old_one(full_disk, article, post):
    """The disk fills up while the backup is written: a CommandError naming the file and
    the reason, no half-written file, and last night's backup of that name untouched."""
    for n in range(30):
        post(article, f"Comment {n} of a site worth backing up, " + "words " * 40)
    disk = full_disk("backups")
    previous = disk / "backups" / "site.json"
    (disk / "filler").unlink()
    previous.write_text("last night's backup")
    (disk / "filler").write_bytes(b"x" * (64 * 1024 - 2 * 4096))  # room for about 4 KiB more
    with pytest.raises(CommandError, match=r"Could not write .*site.json: No space left on device"):
        call_command("export_json", output=str(previous))
    assert previous.read_text() == "last night's backup"
    assert [p.name for p in (disk / "backups").iterdir()] == ["site.json"]


def _comments_dated(report, source_id: str, *, term: str = "comment") -> None:
    """The comment was left out, and the report says which one (by the file's word for a
    comment) and why."""
    assert not Comment.objects.exists()
    assert any(source_id in warning and "out of range" in warning for warning in report.warnings)
    assert any(f"{term} {source_id}: no date; not imported" in w for w in report.warnings)


@pytest.mark.parametrize(
    "date, date_gmt, zone",
    [
        ("2021-03-04 10:00:00", "9999-12-31T23:00:00-05:00", None),
        ("9999-12-31 23:30:00", "0000-00-00 00:00:00", "America/New_York"),
    ],
)
def test_a_wordpress_comment_dated_beyond_year_9999_is_refused_by_itself(
    date, date_gmt, zone, tmp_path
):
    """A comment date that is past 9999 in UTC is warned about with the comment's id and
    the comment is left out; the import itself finishes."""
    path = wxr_build.write(
        tmp_path / "blog.xml", wxr_build.post(1, wxr_build.comment(5, date=date, date_gmt=date_gmt))
    )
    options = {"site_timezone": ZoneInfo(zone)} if zone else {}
    report = import_file(path=path, format="wordpress", **options)
    if zone is None:  # the GMT date is unusable: the local one is taken, as when it is unset
        assert any("comment 5: date" in w and "out of range" in w for w in report.warnings)
        assert Comment.objects.get().submit_date.year == 2021
    else:
        _comments_dated(report, "5")


def test_a_disqus_post_dated_beyond_year_9999_is_refused_by_itself(tmp_path):
    """Disqus createdAt past 9999 in UTC: the post is warned about and left out."""
    path = write(
        tmp_path, thread_xml("1") + post_xml("9", "1", created="9999-12-31T23:00:00-05:00")
    )
    report = import_file(path=path, format="disqus")
    _comments_dated(report, "9", term="post")


@pytest.mark.parametrize("when", ["9999-12-31T23:59:59-12:00", "0001-01-01T00:00:00+14:00"])
def test_a_backup_comment_dated_outside_years_1_to_9999_is_refused_by_itself(when, tmp_path):
    """A JSON comment whose date falls outside years 1 to 9999 in UTC is left out, named."""
    document = {
        "format": "parley-backup", "version": 1, "site": "https://old.example", "users": [],
        "articles": [{"id": 1, "title": "Old", "slug": "old", "status": "published",
                      "comments": [{"id": 3, "name": "Ann", "text": "Hi", "status": "published",
                                    "submitted_at": when}]}],
    }  # fmt: skip
    path = tmp_path / "backup.json"
    path.write_text(json.dumps(document))
    report = import_file(path=path, format="json")
    _comments_dated(report, "3")


def test_the_commands_report_the_refusal_instead_of_a_traceback(tmp_path, capsys):
    """import_json prints the warning and exits normally."""
    document = {
        "format": "parley-backup", "version": 1, "site": "https://old.example", "users": [],
        "articles": [{"id": 1, "title": "Old", "slug": "old", "status": "published",
                      "comments": [{"id": 3, "name": "Ann", "text": "Hi", "status": "published",
                                    "submitted_at": "9999-12-31T23:59:59-12:00"}]}],
    }  # fmt: skip
    path = tmp_path / "backup.json"
    path.write_text(json.dumps(document))
    call_command("import_json", str(path), no_progress=True)
    assert "comment 3" in capsys.readouterr().out


def test_a_backup_newer_than_this_parley_is_refused_on_the_command_line(
    tmp_path, capsys, monkeypatch, django_setup_skipped
):
    """import_json of a version 3 backup exits non-zero with one clear line, no traceback,
    and stores nothing."""
    # The command line closes the connections as it exits; the test's is still needed.
    monkeypatch.setattr(connections, "close_all", lambda: None)
    document = {
        "format": "parley-backup", "version": 3, "site": "https://future.example",
        "users": [{"id": 1, "username": "ann", "email": "ann@example.org"}], "articles": [],
    }  # fmt: skip
    path = tmp_path / "future.json"
    path.write_text(json.dumps(document))
    with pytest.raises(SystemExit) as exited:
        ManagementUtility(["manage.py", "import_json", str(path), "--no-progress"]).execute()
    assert exited.value.code != 0
    error = capsys.readouterr().err
    assert "Traceback" not in error
    assert error.strip() == (
        "CommandError: future.json: line 1: backup version 3 is newer than this Parley reads "
        "(2): upgrade Parley to restore it. Nothing was imported."
    )
    assert not get_user_model().objects.filter(username="ann").exists()


def test_an_import_interrupted_on_the_command_line_is_failed_not_left_running(
    tmp_path, monkeypatch
):
    """Ctrl-C during import_wordpress stores nothing, says so in one line, and the run (in
    the admin's list) reads failed, not "running" for ever."""
    from transfer.models import ImportRun
    from transfer.services.writer import ImportWriter

    def interrupted(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(ImportWriter, "group", interrupted)
    path = tmp_path / "blog.xml"
    path.write_text(wxr_build.document(wxr_build.post(1, wxr_build.comment(1))))
    with pytest.raises(CommandError, match=r"^blog.xml: interrupted. Nothing was imported.$"):
        call_command("import_wordpress", str(path), no_progress=True)
    run = ImportRun.objects.get()
    assert run.status == ImportRun.Status.FAILED and "interrupted" in run.error
    assert Comment.objects.count() == 0


def test_an_import_told_to_stop_on_the_command_line_is_failed_not_left_running(
    tmp_path, monkeypatch
):
    """SIGTERM (systemd, docker stop) during import_wordpress ends it as Ctrl-C does: stored
    nothing, said so in one line, and the run reads failed instead of "running" until the
    sweep; the process's own handler is back after."""
    from transfer.models import ImportRun
    from transfer.services.writer import ImportWriter

    class Killed(BaseException):
        """Stands for SIGTERM's default, which ends the process where it stands."""

    def killed(signum, frame):
        raise Killed

    def told_to_stop(*args, **kwargs):
        os.kill(os.getpid(), signal.SIGTERM)

    monkeypatch.setattr(ImportWriter, "group", told_to_stop)
    previous = signal.signal(signal.SIGTERM, killed)
    path = tmp_path / "blog.xml"
    path.write_text(wxr_build.document(wxr_build.post(1, wxr_build.comment(1))))
    try:
        with pytest.raises(CommandError, match=r"^blog.xml: interrupted. Nothing was imported.$"):
            call_command("import_wordpress", str(path), no_progress=True)
        assert signal.getsignal(signal.SIGTERM) is killed
    finally:
        signal.signal(signal.SIGTERM, previous)
    run = ImportRun.objects.get()
    assert run.status == ImportRun.Status.FAILED and "interrupted" in run.error
    assert Comment.objects.count() == 0


@pytest.mark.parametrize("command", ["import_wordpress", "import_disqus", "import_json"])
def test_an_empty_file_is_called_empty(command, tmp_path):
    """A file of no bytes (a download that failed) is refused as empty, not as a parser's
    "no element found" or "premature EOF", and no run is left behind."""
    from transfer.models import ImportRun

    path = tmp_path / "export.xml"
    path.write_bytes(b"")
    with pytest.raises(CommandError, match=r"^export.xml is empty \(0 bytes\)\. Nothing was"):
        call_command(command, str(path), no_progress=True)
    assert not ImportRun.objects.exists()
