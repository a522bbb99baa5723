"""The page states a person meets, grouped by who is signed in. Each state is a function that
reaches it from wherever the one before left the page; tests/browser/test_accessibility.py
runs axe-core on each."""

from collections.abc import Callable
from dataclasses import dataclass
from types import SimpleNamespace

from playwright.sync_api import Page, expect

from .a11y import PASSWORD


@dataclass
class Visit:
    """What a state needs to reach itself: the page, the site's address and its data."""

    page: Page
    base: str
    site: SimpleNamespace

    def go(self, path: str) -> None:
        self.page.goto(self.base + path)


State = Callable[[Visit], None]


def at(name: str, path: str | Callable[[SimpleNamespace], str], shows: str = "") -> State:
    """A state that is one address (`path`, or made from the site's data), and, when given,
    the element that shows it has loaded."""

    def state(visit: Visit) -> None:
        visit.go(path(visit.site) if callable(path) else path)
        if shows:
            expect(visit.page.locator(shows).first).to_be_visible()

    state.__name__ = name
    return state


def sent_as_is(name: str, form: str, shows: str) -> State:
    """A state that is the page's `form` sent as it stands (the browser's own checks off, so
    the site's are seen), and the element that shows its errors."""

    def state(visit: Visit) -> None:
        visit.page.evaluate("form => document.querySelector(form).noValidate = true", form)
        visit.page.locator(f"{form} button[type=submit]").first.click()
        expect(visit.page.locator(shows).first).to_be_visible()

    state.__name__ = name
    return state


def _article(site: SimpleNamespace) -> str:
    return site.article.get_absolute_url()


# ---------------------------------------------------------------------------
# Anyone: the article and its comments
# ---------------------------------------------------------------------------
front_page = at("front_page", "/")
article_page = at("article_page", _article, shows="#comments-title")
comments_closed = at("comments_closed", lambda s: s.closed.get_absolute_url(), ".comments-closed")
one_thread = at("one_thread", lambda s: f"{_article(s)}?thread={s.parent.pk}#comments")
# Where a reply's poster lands: the reply with the comments it answers.
in_context = at(
    "in_context",
    lambda s: f"{_article(s)}?thread={s.parent.pk}&context={s.child.pk}#c{s.child.pk}",
    ".comment-thread-note",
)
# Where a vote goes without JavaScript: a page that asks to confirm it.
vote_page = at("vote_page", lambda s: f"/comments/{s.parent.pk}/vote/?value=up")
report_form = at("report_form", lambda s: f"/moderation/report/{s.parent.pk}/")
report_form_errors = sent_as_is("report_form_errors", "form.report-form", "#error-summary")


def reply_form_moved(visit: Visit) -> None:
    parent = visit.site.parent
    visit.page.locator(f"#c{parent.pk} .comment-reply-link").first.click()
    expect(visit.page.locator(f"#c{parent.pk} #respond")).to_be_visible()


def form_errors_shown(visit: Visit) -> None:
    """The comment form sent empty (spaces pass the browser's own check; the site's refuses)."""
    visit.go(_article(visit.site))
    page = visit.page
    page.fill("#id_comment", "   ")
    if page.locator("#id_name").count():
        page.fill("#id_name", "   ")
    page.click("#submit")
    expect(page.locator("#error-summary")).to_be_focused()


def comment_posted(visit: Visit) -> None:
    visit.go(_article(visit.site))
    page = visit.page
    page.fill("#id_comment", "Posted to see what the page says next.")
    if page.locator("#id_name").count():
        page.fill("#id_name", "Poster Pat")
    with page.expect_navigation(url="**#c*"):
        page.click("#submit")
    expect(page.locator(".comment-status").first).to_be_visible()


def follow_asked(visit: Visit) -> None:
    """A guest asks to follow the article: the page comes back saying a link was sent."""
    visit.go(_article(visit.site))
    visit.page.fill("#follow-email", "new-fan@example.com")
    visit.page.locator("#follow button[type=submit]").click()
    expect(visit.page.locator("#follow .follow-notice")).to_contain_text("Check your inbox")


def csrf_refused_comment(visit: Visit) -> None:
    """A comment sent from the shared page without its token (as without JavaScript): the
    refusal hands the comment back in a form."""
    visit.go(_article(visit.site))
    visit.page.context.clear_cookies()
    visit.page.evaluate(
        """() => {
          const form = document.getElementById("commentform");
          form.elements.comment.value = "Sent without a token.";
          form.elements.name.value = "No-token Nell";
          form.elements.csrfmiddlewaretoken.value = "";
          HTMLFormElement.prototype.submit.call(form);
        }"""
    )
    expect(visit.page.locator("h1")).to_have_text("Your comment was not posted yet")


# ---------------------------------------------------------------------------
# Guests: accounts, error pages, the links in emails
# ---------------------------------------------------------------------------
signup = at("signup", "/accounts/signup/")
login = at("login", "/accounts/login/")
password_reset = at("password_reset", "/accounts/password/reset/")
not_found = at("not_found", "/no/such/page/")
# Someone else's comment: only the person who posted it may edit it.
forbidden = at("forbidden", lambda s: f"/comments/{s.parent.pk}/edit/")
# More query fields than any form here has: Django refuses to read them.
bad_request = at("bad_request", "/?" + "&".join(f"f{n}=1" for n in range(1001)))
follow_confirm = at("follow_confirm", lambda s: f"/follow/confirm/{s.tokens['follow']}/")
reply_confirm = at("reply_confirm", lambda s: f"/replies/confirm/{s.tokens['reply']}/")
unsubscribe = at("unsubscribe", lambda s: f"/unsubscribe/{s.tokens['unsubscribe']}/")
token_invalid = at("token_invalid", "/follow/confirm/not-a-real-token/")
manage_request = at("manage_request", "/comments/manage/")
# The emailed link: a guest's comments, by address, without an account.
manage_link = at(
    "manage_link",
    lambda s: f"/comments/manage/{s.tokens['manage']}/",
    "main form button[type=submit]",
)


def manage_link_followed(visit: Visit) -> None:
    visit.page.locator("main form button[type=submit]").click()
    expect(visit.page.locator(".my-comments").first).to_be_visible()


data_page = at("data_page", "/data/")
data_delete = at("data_delete", "/data/delete/")
data_delete_errors = sent_as_is("data_delete_errors", "form.danger-zone", "#error-summary")


def _account_form_sent(visit: Visit, fields: dict[str, str]) -> None:
    for name, value in fields.items():
        visit.page.fill(f"input[name={name}]", value)
    visit.page.click("form.account-form button[type=submit]")


def signup_errors(visit: Visit) -> None:
    _account_form_sent(visit, {"username": "mod_mira", "password1": "short", "password2": "other"})
    expect(visit.page.locator(".field-error").first).to_be_visible()


def login_error(visit: Visit) -> None:
    _account_form_sent(visit, {"login": "nobody_here", "password": "not-the-passphrase"})
    expect(visit.page.locator(".error-summary")).to_be_visible()


def password_reset_done(visit: Visit) -> None:
    _account_form_sent(visit, {"email": "rhea@example.com"})
    visit.page.wait_for_url("**/password/reset/done/")


def csrf_refused_form(visit: Visit) -> None:
    """A form sent without this browser's security token (its cookies gone). Not the login
    form: refused so, it comes back as the login page, saying why."""
    visit.go("/accounts/password/reset/")
    visit.page.context.clear_cookies()
    _account_form_sent(visit, {"email": "anyone@example.com"})
    expect(visit.page.locator("h1")).to_have_text("This form could not be accepted")


def csrf_refused_login(visit: Visit) -> None:
    """The login form sent without this browser's token: the login page again, saying why."""
    visit.go("/accounts/login/")
    visit.page.context.clear_cookies()
    _account_form_sent(visit, {"login": "anyone", "password": PASSWORD})
    expect(visit.page.locator("h1")).to_have_text("Log in")
    expect(visit.page.locator("main")).to_contain_text("You are not signed in yet")


def _button_pressed(name: str, heading: str) -> State:
    def state(visit: Visit) -> None:
        visit.page.locator("main form button[type=submit]").click()
        expect(visit.page.locator("h1")).to_have_text(heading)

    state.__name__ = name
    return state


follow_confirmed = _button_pressed("follow_confirmed", "You are following this article")
unsubscribed = _button_pressed("unsubscribed", "Unsubscribed")


def manage_request_sent(visit: Visit) -> None:
    visit.page.fill("input[name=email]", "otto@example.com")
    visit.page.locator("main form button[type=submit]").click()
    expect(visit.page.locator("h1")).to_have_text("Check your inbox")


# ---------------------------------------------------------------------------
# A signed-in reader
# ---------------------------------------------------------------------------
account_email = at("account_email", "/accounts/email/")
account_name = at("account_name", "/accounts/name/")
password_change = at("password_change", "/accounts/password/change/")
my_comments = at("my_comments", "/comments/mine/")
comment_edit = at("comment_edit", lambda s: f"/comments/{s.own.pk}/edit/")
comment_delete = at("comment_delete", lambda s: f"/comments/{s.own.pk}/delete/")
moderation_forbidden = at("moderation_forbidden", "/moderation/")
logout_page = at("logout_page", "/accounts/logout/")

# ---------------------------------------------------------------------------
# A moderator
# ---------------------------------------------------------------------------
moderate_in_place = at(
    "moderate_in_place", lambda s: f"{_article(s)}?moderate=1", ".comment-moderation-toggle"
)
commenter = at("commenter", lambda s: f"/moderation/commenter/{s.reported.pk}/")
queue_tabs = [
    at(f"queue_{tab}", f"/moderation/{tab}/", ".mod-tabs [aria-current=page]")
    for tab in ("held", "reported", "spam", "published")
]
search_form = at("search_form", "/moderation/search/")
search_results = at("search_results", "/moderation/search/?q=dredging", ".search-count")
search_refused = at("search_refused", "/moderation/search/?q=", "#error-summary")
audit_log = at("audit_log", "/moderation/log/")
audit_log_edits = at("audit_log_edits", "/moderation/log/?show=edits")
bans = at("bans", "/moderation/bans/")
ban_form = at("ban_form", lambda s: f"/moderation/ban/{s.reported.pk}/")
ban_form_errors = sent_as_is("ban_form_errors", "main form", "#error-summary, .error-summary")
scorer = at("scorer", "/moderation/scorer/")
webhooks = at("webhooks", "/moderation/webhooks/")
webhooks_errors = sent_as_is("webhooks_errors", "main form.form", "#error-summary, .error-summary")


def moderated_in_place(visit: Visit) -> None:
    held = visit.site.held
    visit.page.locator(f"#c{held.pk} .comment-moderate-button[value=approve]").click()
    expect(visit.page.locator("#moderation-live")).to_contain_text("Approved")


def queue_acted(visit: Visit) -> None:
    """A decision taken from the queue: its message and the undo bar."""
    visit.go("/moderation/spam/")
    visit.page.locator(".queue-item button[name=item_action]").first.click()
    expect(visit.page.locator(".undo-bar")).to_be_visible()


# ---------------------------------------------------------------------------
# An author
# ---------------------------------------------------------------------------
author_dashboard = at("author_dashboard", "/author/")
editor_new = at("editor_new", "/author/articles/new/")
editor_errors = sent_as_is("editor_errors", "main form.author-form", "#error-summary")
editor = at("editor", lambda s: f"/author/articles/{s.draft.pk}/edit/")
preview_page = at("preview_page", lambda s: f"/author/articles/{s.draft.pk}/preview/")
update_edit = at("update_edit", lambda s: f"/articles/{s.article.slug}/updates/{s.update.pk}/edit/")
author_digest = at("author_digest", "/author/digest/")


def editor_preview(visit: Visit) -> None:
    visit.page.get_by_role("button", name="Preview", exact=True).click()
    expect(visit.page.locator(".author-preview")).to_be_visible()


# Each group: who is signed in (None: a guest), and its states in the order visited.
GROUPS: dict[str, tuple[str | None, list[State]]] = {
    "guest-article": (None, [
        front_page, article_page, reply_form_moved, form_errors_shown, comment_posted,
        follow_asked, vote_page, comments_closed, one_thread, in_context, report_form,
        report_form_errors,
        csrf_refused_comment,
    ]),
    "guest-accounts-and-errors": (None, [
        signup, signup_errors, login, login_error, password_reset, password_reset_done,
        not_found, forbidden, bad_request, csrf_refused_form, csrf_refused_login,
    ]),
    "guest-emailed-links": (None, [
        follow_confirm, follow_confirmed, reply_confirm, unsubscribe, unsubscribed,
        token_invalid, manage_request, manage_request_sent, manage_link, manage_link_followed,
        data_page,
        data_delete, data_delete_errors,
    ]),
    "reader": ("rhea_reader", [
        article_page, reply_form_moved, form_errors_shown, comment_posted, account_email,
        account_name, password_change, my_comments, data_page, data_delete, data_delete_errors,
        comment_edit, comment_delete, moderation_forbidden, logout_page,
    ]),
    "moderator-article": ("mod_mira", [
        article_page, moderate_in_place, moderated_in_place, commenter,
    ]),
    "moderation": ("mod_mira", [
        *queue_tabs, queue_acted, search_form, search_results, search_refused, audit_log,
        audit_log_edits, bans, ban_form, ban_form_errors, scorer, webhooks, webhooks_errors,
    ]),
    "author": ("ada_author", [
        article_page, author_dashboard, editor_new, editor_errors, editor, editor_preview,
        preview_page, update_edit, author_digest,
    ]),
}  # fmt: skip
