"""Staff edits made in the admin, the moderation rules among them, in the audit log: who,
when, which object, each changed field before and after; secrets never, addresses masked."""

import json

import pytest
from django import forms
from django.contrib import admin
from django.contrib.auth.models import Group
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from articles.models import Article, ArticleUpdate
from comments.models import CommentStatus
from core.roles import MODERATORS_GROUP, groups_ensure
from moderation.models import ModerationRules, StaffEdit, TrainingExample, Webhook
from moderation.services import comments_moderate
from moderation.services.audit import (
    staff_edit_record,
    staff_edits_record_deletion,
)
from readers.services import comment_delete

pytestmark = pytest.mark.django_db

EDITS = "/moderation/log/?show=edits"


@pytest.fixture
def boss(make_user):
    return make_user("boss", is_staff=True, is_superuser=True)


@pytest.fixture
def staff_client(client, boss):
    client.force_login(boss)
    return client


def sent_back(response, **changes) -> dict:
    """The admin page's form and inline forms as a browser sends them back, with `changes`."""
    assert response.status_code == 200
    data = {}
    bound_forms = [response.context["adminform"].form]
    for inline in response.context.get("inline_admin_formsets") or ():
        data |= {field.html_name: field.value() for field in inline.formset.management_form}
        bound_forms += inline.formset.forms
    for form in bound_forms:
        for field in form:
            if field.field.disabled:
                continue
            widget = getattr(field.field.widget, "widget", field.field.widget)
            value = field.value()
            if isinstance(widget, forms.CheckboxInput):
                if value:
                    data[field.html_name] = "on"
            elif isinstance(widget, forms.SplitDateTimeWidget):
                day, time = widget.decompress(value)
                data[f"{field.html_name}_0"] = day.isoformat() if day else ""
                data[f"{field.html_name}_1"] = time.strftime("%H:%M:%S") if time else ""
            elif isinstance(value, list | tuple):
                data[field.html_name] = [str(item) for item in value]
            else:
                data[field.html_name] = "" if value is None else value
    return data | changes


def admin_save(client, url, **changes):
    response = client.post(url, sent_back(client.get(url), **changes))
    assert response.status_code == 302, response.context and response.context["errors"]
    return response


def changes_of(edit: StaffEdit) -> dict:
    return {change["field"]: (change["before"], change["after"]) for change in edit.changes}


def test_a_rules_change_in_the_admin_records_who_and_only_the_changed_fields(staff_client, boss):
    """Saving the moderation rules records the editor and each changed field before → after,
    nothing for the fields left alone."""
    ModerationRules.objects.get_or_create(pk=1)
    url = reverse("admin:moderation_moderationrules_change", args=[1])
    admin_save(staff_client, url, hold_threshold="0.6", link_limit="3", hold_all="on")
    edit = StaffEdit.objects.get()
    assert (edit.actor, edit.actor_label, edit.action) == (boss, "boss", "changed")
    assert (edit.model, edit.object_id) == ("moderation.moderationrules", "1")
    assert changes_of(edit) == {
        "hold_all": ("no", "yes"),
        "hold_threshold": ("0.5", "0.6"),
        "link_limit": ("2", "3"),
    }


@pytest.mark.parametrize(
    ("changes", "error"),
    [
        ({"hold_threshold": "0.95", "spam_threshold": "0.1"}, "at least the hold threshold"),
        ({"hold_threshold": "-3"}, "greater than or equal to 0"),
        ({"spam_threshold": "50"}, "less than or equal to 1"),
    ],
)
def test_thresholds_that_cannot_work_are_refused(staff_client, changes, error):
    """Scores run from 0 to 1, held from the hold threshold and spam from the spam threshold:
    a threshold outside that range, or spam below hold, is refused with what was typed."""
    ModerationRules.objects.get_or_create(pk=1)
    url = reverse("admin:moderation_moderationrules_change", args=[1])
    response = staff_client.post(url, sent_back(staff_client.get(url), **changes))
    assert response.status_code == 200 and error in response.content.decode()
    rules = ModerationRules.objects.get(pk=1)
    assert (rules.hold_threshold, rules.spam_threshold) == (0.5, 0.9)
    assert not StaffEdit.objects.exists()


def test_saving_without_a_change_records_nothing(staff_client):
    """A save that changes no field leaves the log as it was."""
    ModerationRules.objects.get_or_create(pk=1)
    admin_save(staff_client, reverse("admin:moderation_moderationrules_change", args=[1]))
    assert not StaffEdit.objects.exists()


def test_a_comment_edit_masks_the_commenters_addresses(staff_client, article, post):
    """A comment corrected in the admin shows its text before and after; the email address
    appears only masked, as bans show it."""
    comment = post(article, "Teh first words", email="reader@example.com")
    url = reverse("admin:comments_comment_change", args=[comment.pk])
    admin_save(staff_client, url, comment="The first words", user_email="new@example.org")
    edit = StaffEdit.objects.get(model="comments.comment")
    assert edit.object_id == str(comment.pk)
    assert changes_of(edit) == {
        "user_email": ("r***@example.com", "n***@example.org"),
        "comment": ("Teh first words", "The first words"),
    }
    assert "reader@example.com" not in json.dumps(edit.changes)
    shown = staff_client.get(EDITS).content.decode()
    assert reverse("comments:permalink", args=[comment.pk]) in shown
    assert "n***@example.org" in shown and "new@example.org" not in shown


def test_article_and_update_edits_are_recorded_with_the_inline_changes(
    staff_client, article, author
):
    """Changing an article, adding, correcting and deleting its updates, and deleting the
    article each leave a row with the values involved."""
    url = reverse("admin:articles_article_change", args=[article.pk])
    page = staff_client.get(url)
    admin_save(
        staff_client, url, title="A better title", authors=[str(author.pk)],
        **{"updates-TOTAL_FORMS": "1", "updates-0-body": "First news.",
           "updates-0-published_at_0": "2026-11-02", "updates-0-published_at_1": "09:00:00"},
    )  # fmt: skip
    assert page.status_code == 200
    article_edit = StaffEdit.objects.get(model="articles.article", action="changed")
    assert changes_of(article_edit) == {
        "title": ("The test article", "A better title"),
        "authors": ("", "author"),
    }
    update = ArticleUpdate.objects.get(article=article)
    added = StaffEdit.objects.get(model="articles.articleupdate", action="added")
    assert added.object_id == str(update.pk)
    assert changes_of(added)["body"] == (None, "First news.")

    admin_save(staff_client, url, **{"updates-0-body": "First news, corrected."})
    corrected = StaffEdit.objects.get(model="articles.articleupdate", action="changed")
    assert changes_of(corrected) == {"body": ("First news.", "First news, corrected.")}

    admin_save(staff_client, url, **{"updates-0-DELETE": "on"})
    deleted = StaffEdit.objects.get(model="articles.articleupdate", action="deleted")
    assert deleted.object_id == str(update.pk)
    assert changes_of(deleted)["body"] == ("First news, corrected.", None)

    delete_url = reverse("admin:articles_article_delete", args=[article.pk])
    assert staff_client.post(delete_url, {"post": "yes"}).status_code == 302
    assert not Article.objects.filter(pk=article.pk).exists()
    gone = StaffEdit.objects.get(model="articles.article", action="deleted")
    assert changes_of(gone)["title"] == ("A better title", None)


def test_user_roles_and_password_changes_are_recorded_without_the_password(staff_client, make_user):
    """Making someone staff and a moderator is recorded before → after; a password change
    is recorded as changed, and no password hash is ever stored."""
    groups_ensure()
    target = make_user("target")
    url = reverse("admin:auth_user_change", args=[target.pk])
    moderators = Group.objects.get(name=MODERATORS_GROUP)
    admin_save(staff_client, url, is_staff="on", groups=[str(moderators.pk)])
    roles = StaffEdit.objects.get(model="auth.user")
    assert changes_of(roles) == {"is_staff": ("no", "yes"), "groups": ("", MODERATORS_GROUP)}

    password_url = reverse("admin:auth_user_password_change", args=[target.pk])
    new_password = "another-long-passphrase"
    response = staff_client.post(
        password_url,
        {"password1": new_password, "password2": new_password, "usable_password": "true"},
    )
    assert response.status_code == 302
    target.refresh_from_db()
    assert target.check_password(new_password)
    edit = StaffEdit.objects.filter(model="auth.user").order_by("-pk").first()
    assert edit.changes == [
        {"field": "password", "label": "password", "before": None, "after": None,
         "hidden": True},
    ]  # fmt: skip
    stored = json.dumps(list(StaffEdit.objects.values_list("changes", flat=True)))
    assert target.password not in stored and new_password not in stored


def test_a_ban_added_in_the_admin_is_recorded_masked(staff_client):
    """A ban placed from the admin is recorded with its masked address, never the address
    or its keyed hash."""
    response = staff_client.post(
        reverse("admin:moderation_ban_add"),
        {"kind": "email", "value": "spammer@example.com", "reason": "Spam", "expires_at_0": "",
         "expires_at_1": ""},
    )  # fmt: skip
    assert response.status_code == 302
    edit = StaffEdit.objects.get(model="moderation.ban")
    assert edit.action == "added"
    assert changes_of(edit)["display"] == (None, "s***@example.com")
    assert "spammer@example.com" not in json.dumps(edit.changes)
    assert "value_hash" not in changes_of(edit)


def test_a_bulk_delete_records_each_row_it_deleted(staff_client):
    """Deleting training examples from the list records each one with its text."""
    examples = [
        TrainingExample.objects.create(text=f"text {n}", is_spam=True, source="import")
        for n in range(3)
    ]
    response = staff_client.post(
        reverse("admin:moderation_trainingexample_changelist"),
        {"action": "delete_selected", "_selected_action": [e.pk for e in examples], "post": "yes"},
    )
    assert response.status_code == 302
    assert not TrainingExample.objects.exists()
    deleted = StaffEdit.objects.filter(action="deleted", model="moderation.trainingexample")
    assert sorted(changes_of(edit)["text"][0] for edit in deleted) == ["text 0", "text 1", "text 2"]


def test_posting_and_moderating_record_no_staff_edit(article, post, moderator):
    """Readers posting and moderators deciding in the queue write nothing to the staff
    audit: only the admin records there."""
    comment = post(article, status=CommentStatus.HELD)
    comments_moderate(comment_ids=[comment.pk], action="approve", actor=moderator)
    assert not StaffEdit.objects.exists()


def record_rules_change(actor, *, threshold: float) -> None:
    rules, _ = ModerationRules.objects.get_or_create(pk=1)
    before = {"hold_threshold": rules.hold_threshold}
    rules.hold_threshold = threshold
    rules.save()
    staff_edit_record(actor=actor, instance=rules, before=before, field_names=["hold_threshold"])


def test_the_audit_log_shows_staff_edits_to_moderators(client, moderator, boss):
    """Moderators read each staff edit in the log's second section: who, what, before →
    after; the admin link is for staff only."""
    record_rules_change(boss, threshold=0.7)
    client.force_login(moderator)
    html = client.get(EDITS).content.decode()
    assert "Settings and admin edits" in html
    text = " ".join(html.split())
    assert "<td>boss</td>" in text and "Changed Moderation rules" in text
    assert "<del>0.5</del> → <ins>0.7</ins>" in html
    assert "/admin/moderation/moderationrules/1/change/" not in html
    client.force_login(boss)
    assert "/admin/moderation/moderationrules/1/change/" in client.get(EDITS).content.decode()


def test_what_staff_typed_is_escaped_in_the_log(client, moderator, boss):
    """Values and names staff typed are shown as text, never as markup."""
    example = TrainingExample.objects.create(text="<script>x()</script>", is_spam=True,
                                             source="import")  # fmt: skip
    staff_edit_record(actor=boss, instance=example, added=True)
    client.force_login(moderator)
    html = client.get(EDITS).content.decode()
    assert "&lt;script&gt;x()&lt;/script&gt;" in html and "<script>x()" not in html


def test_the_edits_section_costs_the_same_queries_for_any_page_and_paginates(
    client, moderator, boss
):
    """A page of staff edits takes a fixed number of queries, and its pages link on."""
    record_rules_change(boss, threshold=0.6)
    client.force_login(moderator)
    client.get(EDITS)
    with CaptureQueriesContext(connection) as few:
        client.get(EDITS)
    for n in range(55):
        record_rules_change(boss, threshold=0.5 + (n % 2) / 10)
    with CaptureQueriesContext(connection) as many:
        page = client.get(EDITS).content.decode()
    assert len(many) == len(few)
    assert "?show=edits&page=2" in page
    assert "Page 1 of 2" in page


def test_only_moderators_read_the_staff_edits(client, make_user):
    """Anonymous readers are sent to log in; a signed-in reader is refused."""
    response = client.get(EDITS)
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")
    client.force_login(make_user("reader"))
    assert client.get(EDITS).status_code == 403


def test_deleting_a_comment_blanks_the_words_staff_edits_recorded(boss, article, post):
    """When its author deletes a comment, the values recorded for staff edits of it go too;
    who edited which field, and when, stays."""
    comment = post(article, "Private words")
    before = {"comment": comment.comment}
    comment.comment = "Other private words"
    comment.save()
    staff_edit_record(actor=boss, instance=comment, before=before, field_names=["comment"])
    comment_delete(comment=comment)
    edit = StaffEdit.objects.get()
    assert edit.changes[0]["field"] == "comment" and edit.changes[0]["hidden"]
    assert "Private" not in json.dumps(edit.changes)


def test_a_webhooks_address_is_kept_out_of_the_log(boss):
    """A webhook's address is a credential: its edits are recorded without it, even in the
    name the log gives the webhook."""
    address = "https://hooks.example.com/services/T0/B0/very-secret"
    webhook = Webhook.objects.create(url=address, created_by=boss)
    secret_fields = admin.site._registry[Webhook].audit_secret_fields
    staff_edit_record(actor=boss, instance=webhook, added=True, secret_fields=secret_fields)
    staff_edits_record_deletion(actor=boss, instances=[webhook], secret_fields=secret_fields)
    for edit in StaffEdit.objects.all():
        assert address not in json.dumps(edit.changes) and address not in edit.object_repr
        assert edit.object_repr == f"webhook #{webhook.pk}"
        assert {"field": "url", "label": "url", "before": None, "after": None, "hidden": True} in (
            edit.changes
        )


def test_an_account_added_in_the_admin_is_recorded_without_its_password(staff_client):
    """A new account is listed with its name and roles; its password only as set."""
    password = "a-fresh-long-passphrase"
    response = staff_client.post(
        reverse("admin:auth_user_add"),
        {"username": "newcomer", "usable_password": "true", "password1": password,
         "password2": password},
    )  # fmt: skip
    assert response.status_code == 302
    edit = StaffEdit.objects.get(model="auth.user", action="added")
    assert edit.object_repr == "newcomer"
    assert changes_of(edit)["username"] == (None, "newcomer")
    assert changes_of(edit)["is_staff"] == (None, "no")
    assert {"field": "password", "label": "password", "before": None, "after": None,
            "hidden": True} in edit.changes  # fmt: skip
    stored = json.dumps(edit.changes)
    assert password not in stored and "md5$" not in stored and "pbkdf2" not in stored
