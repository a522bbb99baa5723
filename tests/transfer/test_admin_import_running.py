"""An upload in the admin while another import writes, on SQLite (the embedded default):
that import holds the database's one write lock to its end."""

import re
import sqlite3

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from transfer.models import ImportRun

from . import wxr_build as W

pytestmark = [pytest.mark.sqlite, pytest.mark.django_db(transaction=True)]
ADD = reverse("admin:transfer_importrun_add")


@pytest.fixture
def import_writing(settings):
    """A command-line import running, its transaction holding the write lock."""
    run = ImportRun.objects.create(
        format="disqus", file_name="old.xml", status="running", started_at=timezone.now()
    )
    connection.ensure_connection()
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA busy_timeout = 300")  # a request's 20 s, made short
    holder = sqlite3.connect(settings.DATABASES["default"]["NAME"], check_same_thread=False)
    holder.execute("BEGIN IMMEDIATE")
    yield run
    holder.rollback()
    holder.close()


def test_an_upload_while_an_import_writes_is_refused_in_the_form(
    admin_client, import_writing, settings, tmp_path
):
    """The form comes back at once saying which import runs and that nothing was stored,
    with the format and dry run chosen, instead of a 500 after 20 s of waiting."""
    settings.MEDIA_ROOT = tmp_path
    body = W.document(W.post(1, W.comment(1)))
    upload = SimpleUploadedFile("blog.xml", body.encode(), content_type="text/xml")
    answer = admin_client.post(ADD, {"format": "wordpress", "upload": upload, "dry_run": "on"})
    assert answer.status_code == 200
    page = answer.content.decode()
    assert f"Another import is running: Disqus XML import {import_writing.pk}, started " in page
    assert "Nothing was stored: choose the file again" in page
    assert '<option value="wordpress" selected>' in page
    assert re.search(r'<input type="checkbox" name="dry_run"[^>]* checked', page)
    assert list(ImportRun.objects.values_list("pk", flat=True)) == [import_writing.pk]
    assert not list(tmp_path.rglob("*.xml"))


def test_the_upload_form_says_so_before_a_file_is_chosen(admin_client, import_writing):
    page = admin_client.get(ADD).content.decode()
    assert f"Another import is running: Disqus XML import {import_writing.pk}" in page


def test_with_no_import_writing_the_upload_is_stored_as_before(admin_client, settings, tmp_path):
    """A writer that is not an import (a comment posted) holds the lock only for a moment:
    an upload then goes through."""
    settings.MEDIA_ROOT = tmp_path
    assert "Another import is running" not in admin_client.get(ADD).content.decode()
    body = W.document(W.post(1, W.comment(1)))
    upload = SimpleUploadedFile("blog.xml", body.encode(), content_type="text/xml")
    answer = admin_client.post(ADD, {"format": "wordpress", "upload": upload})
    assert answer.status_code == 302
    assert ImportRun.objects.get().status == ImportRun.Status.DONE  # run inline, embedded
