"""Every field Parley keeps that holds personal data, and what happens to it when a reader
downloads or erases their data (readers.selectors_data, readers.services.data).

Keys are "app_label.Model.field", naming the model whose table holds the column (a comment's
name and address live in django_comments' table, its status in ours). `export` is where the
export file carries the value ("comments[].email": each item of `comments` has `email`);
empty when it is not exported, and `why` says why. `erasure` is what erasing the reader's
data does to it; `why` explains anything kept.

tests/readers/test_personal_data_registry.py walks every model and fails when a field that
looks personal (an email, an IP or web address, a link to an account, a name) is in neither
PERSONAL_DATA nor NOT_PERSONAL; the export and erasure tests check each entry against a row
made for a reader and one for somebody else.
"""

from dataclasses import dataclass
from enum import StrEnum


class Erasure(StrEnum):
    DELETED = "deleted"  # the row is deleted
    EMPTIED = "emptied"  # the value is emptied (or replaced by a marker); the row stays
    KEPT = "kept"  # kept as it is, for the reason given


@dataclass(frozen=True)
class PersonalField:
    export: str
    erasure: Erasure
    why: str = ""


D, E, K = Erasure.DELETED, Erasure.EMPTIED, Erasure.KEPT
STAFF = (
    "Done as staff: the export counts these rows (each is about somebody else); erasing "
    "empties the link to the account."
)

PERSONAL_DATA: dict[str, PersonalField] = {
    # The account (Django's auth).
    "auth.User.username": PersonalField("account.username", D),
    "auth.User.first_name": PersonalField("account.first_name", D),
    "auth.User.last_name": PersonalField("account.last_name", D),
    "auth.User.email": PersonalField("account.email", D),
    "auth.User.password": PersonalField("", D, "A salted hash of a secret, never shown."),
    "auth.User.last_login": PersonalField("account.last_login", D),
    "auth.User.date_joined": PersonalField("account.date_joined", D),
    "auth.User.groups": PersonalField("account.roles", D),
    "core.NameSkeleton.user": PersonalField(
        "",
        D,
        "The username and display name folded as readers read them, kept to refuse a "
        "look-alike at signup and a guest's comment under them: account.username, "
        "account.first_name and account.last_name say them; deleted with the account.",
    ),
    # Its addresses (allauth).
    "account.EmailAddress.user": PersonalField("account.addresses[].email", D),
    "account.EmailAddress.email": PersonalField("account.addresses[].email", D),
    "account.EmailConfirmation.email_address": PersonalField(
        "", D, "A pending confirmation key, a secret; deleted with its address."
    ),
    # Sessions: the login, and a guest's proven address.
    "sessions.Session.session_data": PersonalField(
        "",
        D,
        "Signed data for one browser. Erasing flushes the erasing browser's session; the "
        "account's other sessions stop working at once (the account is gone) and are "
        "removed by `clearsessions` once they expire.",
    ),
    # Comments: what the reader typed, and what came with it.
    "django_comments.Comment.user": PersonalField("comments[].id", E),
    "django_comments.Comment.user_name": PersonalField("comments[].name", E),
    "django_comments.Comment.user_email": PersonalField("comments[].email", E),
    "django_comments.Comment.user_url": PersonalField("comments[].website", E),
    "django_comments.Comment.ip_address": PersonalField("comments[].ip_address", E),
    "django_comments.Comment.comment": PersonalField("comments[].text", E),
    "django_comments.Comment.submit_date": PersonalField(
        "comments[].posted_at", K, 'The "[deleted]" placeholder keeps its place in the thread.'
    ),
    "comments.Comment.comment_html": PersonalField("", E, "The same words as `text`, rendered."),
    "comments.Comment.user_agent": PersonalField("comments[].browser", E),
    "comments.Comment.submission_meta": PersonalField("comments[].form", E),
    "comments.Comment.text_hash": PersonalField(
        "", E, "A fingerprint of the text, for finding copies."
    ),
    "comments.Comment.author_key": PersonalField("comments[].author_key", E),
    "comments.Comment.picked_by": PersonalField("staff_records.comments_picked", E, STAFF),
    "django_comments.CommentFlag.user": PersonalField(
        "",
        D,
        "django_comments' flags: Parley never writes them (readers report through "
        "moderation.Report); any row goes with the account.",
    ),
    "comments.Vote.voter_key": PersonalField("votes[].voter_key", D),
    "comments.Vote.address_key": PersonalField(
        "",
        D,
        "A keyed hash of a guest voter's address, which caps a comment's guest votes from one "
        "address; blanked once older than PARLEY_ADDRESS_RETENTION_DAYS. An account's votes "
        "have none, and a guest's are found by no address.",
    ),
    # Articles the account wrote: the articles stay, without them.
    "articles.Article.authors": PersonalField("account.articles[].id", E),
    "articles.ArticleUpdate.author": PersonalField("account.article_updates[].id", E),
    # Following and notifications.
    "readers.Follow.user": PersonalField("follows[].id", D),
    "readers.Follow.email": PersonalField("follows[].email", D),
    "readers.ConfirmedAddress.email": PersonalField("confirmed_addresses[].email", D),
    "readers.Delivery.email": PersonalField("deliveries[].email", D),
    "readers.AuthorDigestChoice.user": PersonalField("account.author_digest.wanted", D),
    "readers.AuthorDigestEntry.user": PersonalField("account.author_digest_sent[].comment_id", D),
    # Reports the reader filed: kept for the audit, without the reporter.
    "moderation.Report.reporter": PersonalField("reports[].comment_id", E),
    "moderation.Report.reporter_key": PersonalField("reports[].reporter_key", E),
    "moderation.Report.note": PersonalField("reports[].note", E),
    "moderation.Report.dismissed_by": PersonalField("staff_records.reports_dismissed", E, STAFF),
    # Moderation records about the reader's comments.
    "moderation.ModerationEvent.reasons": PersonalField(
        "",
        E,
        "The audit's why. For the reader's comments, what a rule found in the text (links, "
        "phone numbers) is replaced by a marker; for a ban on them, their masked name or "
        "address. The rule, its count and weight stay.",
    ),
    "moderation.SpamVerdict.reasons": PersonalField(
        "", E, "As the decision's reasons: what a rule found in the text is replaced."
    ),
    "moderation.TrainingExample.text": PersonalField(
        "", D, "A copy of a comment's words the spam model learns from; gone with the words."
    ),
    "moderation.WebhookDelivery.payload": PersonalField(
        "",
        E,
        "A copy of the commenter's name and first words posted to the site's own webhooks; "
        "the stored copy is emptied (what the receiving service kept is beyond Parley).",
    ),
    "moderation.StaffEdit.object_repr": PersonalField(
        "",
        E,
        "Names the object staff edited: for the reader's comments and account it becomes "
        "the kind of object and its id.",
    ),
    "moderation.StaffEdit.changes": PersonalField(
        "",
        E,
        "Values before and after a staff edit of the reader's comments or account: emptied; "
        "which fields changed, by whom and when stays.",
    ),
    "admin.LogEntry.object_repr": PersonalField(
        "", E, "Django admin's own history names the object: as StaffEdit.object_repr."
    ),
    "moderation.CommenterNote.subject_key": PersonalField(
        "",
        D,
        "Moderators' private notes on the reader (never shown to readers, so not exported): "
        "opinions about a person, deleted with their data. Notes on an IP address stay.",
    ),
    "moderation.CommenterNote.text": PersonalField("", D, "As subject_key."),
    # Bans on the reader: kept, so that erasing is not a way round a ban.
    "moderation.Ban.user": PersonalField(
        "",
        E,
        "Not exported: telling a shadow-banned poster defeats the ban. An account ban stays "
        "in the audit without its account.",
    ),
    "moderation.Ban.display": PersonalField(
        "", E, "The masked username or address moderators read: replaced by a marker."
    ),
    "moderation.Ban.value_hash": PersonalField(
        "", K, "A keyed hash, never the address: a banned address stays banned after erasure."
    ),
    # What the reader did as staff (a moderator or an author).
    "moderation.Ban.created_by": PersonalField("staff_records.bans_placed", E, STAFF),
    "moderation.ModerationEvent.actor": PersonalField(
        "staff_records.moderation_decisions", E, STAFF
    ),
    "moderation.ModerationEvent.actor_label": PersonalField(
        "",
        K,
        "The audit's who: a moderator's username (\"author\" for a reader's own edits and "
        "deletions), kept so a decision still says who made it after the account is gone.",
    ),
    "moderation.StaffEdit.actor": PersonalField("staff_records.staff_edits", E, STAFF),
    "moderation.StaffEdit.actor_label": PersonalField(
        "", K, "The audit's who, as ModerationEvent.actor_label."
    ),
    "moderation.CommenterNote.author": PersonalField("staff_records.notes_written", E, STAFF),
    "moderation.CommenterNote.author_label": PersonalField(
        "", K, "Who wrote a note, as ModerationEvent.actor_label."
    ),
    "moderation.Webhook.created_by": PersonalField("staff_records.webhooks_created", E, STAFF),
    "admin.LogEntry.user": PersonalField(
        "",
        D,
        "Django admin's own log of the account's changes as staff (the audit is StaffEdit); "
        "Django deletes it with the account.",
    ),
    "transfer.ImportRun.started_by": PersonalField(
        "",
        E,
        "Who started an import, as staff; emptied with the account. Transfer sits above "
        "readers, so the export does not read it.",
    ),
    "transfer.ImportRun.cancelled_by": PersonalField(
        "",
        E,
        "Who cancelled an import, as staff; emptied with the account. Transfer sits above "
        "readers, so the export does not read it.",
    ),
}

# Fields that look personal by their type or name but are not, and why.
NOT_PERSONAL: dict[str, str] = {
    "auth.Group.name": "A role's name.",
    "auth.Permission.name": "A permission's description.",
    "auth.Permission.codename": "A permission's code.",
    "sites.Site.name": "The site's name.",
    "health.Heartbeat.name": "A process's name (beat, worker).",
    "moderation.HeldDigest.recipient_count": 'A count ("ip" only inside "recipient").',
    "moderation.Webhook.url": "The site's own integration (a chat or ticket service).",
    "transfer.SourceRecord.url": "An article's address on the site it was imported from.",
    "transfer.ImportRun.file_name": "The name of an uploaded export file.",
}
