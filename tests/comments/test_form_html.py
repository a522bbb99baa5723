import time

import pytest
from django.template import engines
from django.test import Client
from pytest_django.asserts import assertHTMLEqual

from comments.form_html import form_fields_html
from comments.forms import CommentForm
from tests.conftest import form_data

pytestmark = pytest.mark.django_db

# What templates/comments/_form.html rendered before comments/form_html.py: Django's field
# groups ({{ field.as_field_group }}), then each control as str(bound_field), byte for byte.
DJANGO_FIELDS = engines["django"].from_string(
    '{% for field in form.visible_fields %}{% if field.name != "honeypot" %}'
    "{{ field.as_field_group }}{% endif %}{% endfor %}\n"
    '      <p class="comment-form-hp" aria-hidden="true">\n'
    '        <label for="{{ form.honeypot.id_for_label }}">{{ form.honeypot.label }}</label>\n'
    "        {{ form.honeypot }}\n"
    "      </p>\n"
    "      {{ form.content_type }}{{ form.object_pk }}{{ form.timestamp }}"
    "{{ form.security_hash }}{{ form.reply_to }}"
)
HOSTILE = "Jo \"Jo\" <b>&amp; 'O'</b>"


def assert_rendered_as_django(form: CommentForm) -> None:
    """Compare the form's fields as Django's templates render them with form_fields_html."""
    expected = DJANGO_FIELDS.render({"form": form})
    actual = form_fields_html(form)
    # Element by element first (a readable diff), then byte for byte: the HTML comparison
    # reads "<" and "&lt;" in an attribute as the same text.
    assertHTMLEqual(actual, expected)
    assert actual == expected


def expired_data(article, **fields) -> dict:
    """A form signed three hours ago, older than COMMENTS_TIMEOUT."""
    data = form_data(article, **fields)
    old = int(time.time()) - 3 * 60 * 60
    data.update(timestamp=str(old), security_hash=CommentForm(article).initial_security_hash(old))
    return data


def test_unbound_guest_form_with_remembered_details(article):
    """A guest's empty form filled from the consent cookie renders as Django renders it."""
    initial = {"reply_to": 0, "name": HOSTILE, "email": "jo@example.com", "remember": True}
    initial["url"] = "https://example.com/?a=1&b=<2>"
    assert_rendered_as_django(CommentForm(article, initial=initial))


def test_unbound_guest_form_with_nothing_remembered(article):
    """A first-time guest's form renders as Django renders it."""
    assert_rendered_as_django(CommentForm(article, initial={"reply_to": 0}))


def test_bound_form_with_field_errors_and_hostile_values(article):
    """Errors (aria-invalid, aria-describedby, messages) and escaped values match Django."""
    data = form_data(
        article,
        comment=f"{HOSTILE}\n<script>alert(1)</script>",
        name=HOSTILE,
        email='not"an<email>&',
        url="javascript:alert('<x>')",
        remember="on",
        followup="on",
    )
    form = CommentForm(article, data=data)
    assert {"email", "url"} <= set(form.errors)
    assert_rendered_as_django(form)


def test_bound_form_missing_its_required_fields(article):
    """Empty required fields, a bad reply id and a filled honeypot render as Django does."""
    data = form_data(article, comment="", name="", reply_to="x", honeypot='<a href="x">')
    form = CommentForm(article, data=data)
    assert {"comment", "name", "reply_to", "honeypot"} <= set(form.errors)
    assert_rendered_as_django(form)


def test_valid_bound_form(article):
    """A bound form without errors keeps its values, as Django renders them."""
    form = CommentForm(article, data=form_data(article, comment=HOSTILE, remember="on"))
    assert form.is_valid(), form.errors
    assert_rendered_as_django(form)


def test_help_text_with_and_without_errors(article):
    """Help text (linked by aria-describedby, before any error's id) matches Django's."""
    form = CommentForm(article, initial={"reply_to": 0})
    form.fields["url"].help_text = HOSTILE
    assert_rendered_as_django(form)
    form = CommentForm(article, data=form_data(article, url="ftp://x"))
    form.fields["url"].help_text = HOSTILE
    form.fields["remember"].help_text = "Kept for a year."
    assert "url" in form.errors
    assert_rendered_as_django(form)


@pytest.mark.parametrize("email", ["kim@example.com", ""])
def test_signed_in_user_form(article, make_user, email):
    """A signed-in reader's form (follow-up box only with an email) matches Django's."""
    user = make_user("kim", email=email)
    assert_rendered_as_django(CommentForm(article, initial={"reply_to": 0}, user=user))
    data = form_data(article, comment="", followup="on")
    assert_rendered_as_django(CommentForm(article, data=data, user=user))


def test_expired_form_signed_afresh(article):
    """An expired form, and its re-signed copy that goes back to the reader, match Django's."""
    form = CommentForm(article, data=expired_data(article, comment=HOSTILE, name=HOSTILE))
    assert form.security_problem() == "expired"
    assert_rendered_as_django(form)
    assert_rendered_as_django(form.resigned())


@pytest.mark.parametrize("email_required", [True, False])
def test_email_required_setting(article, settings, email_required):
    """With PARLEY_COMMENT_EMAIL_REQUIRED on or off, the Email field matches Django's."""
    settings.PARLEY_COMMENT_EMAIL_REQUIRED = email_required
    assert_rendered_as_django(CommentForm(article, initial={"reply_to": 0}))
    form = CommentForm(article, data=form_data(article, email="", followup="on"))
    assert "email" in form.errors
    assert_rendered_as_django(form)


def test_form_replying_to_a_comment(article, post):
    """The reply id, given or posted back, renders as Django renders it."""
    parent = post(article)
    assert_rendered_as_django(CommentForm(article, initial={"reply_to": parent.pk}))
    data = form_data(article, comment="", reply_to=str(parent.pk))
    assert_rendered_as_django(CommentForm(article, data=data))


def test_no_form_renders_nothing():
    """Without a form there are no fields."""
    assert form_fields_html(None) == ""


def test_article_page_renders_no_form_templates(article):
    """The article page's forms (the comment form and the follow box's email) are built
    without Django's field and widget templates."""
    response = Client().get(article.get_absolute_url())
    names = {template.name for template in response.templates}
    assert "comments/_form.html" in names
    comment_form_templates = {"django/forms/field.html"} | {
        f"django/forms/widgets/{widget}.html"
        for widget in ("textarea", "text", "url", "email", "checkbox", "hidden")
    }
    assert not names & comment_form_templates
    assert 'name="security_hash"' in response.content.decode()
