"""What an import did, counted as it goes, and said in plain words."""

from dataclasses import dataclass, field

from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext, npgettext

# A file with thousands of problems keeps the first of them; the count stays exact.
WARNINGS_KEPT = 200


@dataclass
class ImportReport:
    dry_run: bool = False
    # An earlier run that read the very same file: nothing was read this time.
    same_file_as_run: int | None = None
    # created / matched / imported (by an earlier run)
    users: dict[str, int] = field(default_factory=dict)
    # Created active without an address: with no password either, nobody can sign in to them.
    users_without_email: int = 0
    # Created without the roles the file names: whoever started the import may not give them.
    roles_withheld: int = 0
    articles: dict[str, int] = field(default_factory=dict)
    updates_added: int = 0
    follows_added: int = 0  # readers following an article (JSON backups only)
    comments_added: dict[str, int] = field(default_factory=dict)  # by status
    comments_already_imported: int = 0
    skipped: dict[str, int] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)
    warnings_total: int = 0
    seconds: float = 0.0

    def count(self, counts: dict[str, int], key: str, n: int = 1) -> None:
        counts[key] = counts.get(key, 0) + n

    def warn(self, message: str) -> None:
        self.warnings_total += 1
        if len(self.warnings) < WARNINGS_KEPT:
            self.warnings.append(message)

    @property
    def comments_total(self) -> int:
        return sum(self.comments_added.values())

    def as_dict(self) -> dict:
        return {
            "dry_run": self.dry_run, "same_file_as_run": self.same_file_as_run,
            "users": self.users, "users_without_email": self.users_without_email,
            "roles_withheld": self.roles_withheld,
            "articles": self.articles, "updates_added": self.updates_added,
            "follows_added": self.follows_added, "comments_added": self.comments_added,
            "comments_already_imported": self.comments_already_imported,
            "skipped": self.skipped, "warnings": self.warnings,
            "warnings_total": self.warnings_total, "seconds": round(self.seconds, 2),
        }  # fmt: skip

    def lines(self) -> list[str]:
        """The report as a person reads it, in the active language: what happened, or would
        have. Warnings and what was skipped keep the words the file's reader used."""
        if self.same_file_as_run is not None:
            return [
                _(
                    "This file was imported already (import %(run)s); nothing was read or "
                    "changed. Use --force to read it again."
                )
                % {"run": self.same_file_as_run}
            ]
        lines = [_("Dry run: nothing was stored.") if self.dry_run else _("Import finished.")]
        if self.users:
            parts = ", ".join(_found(how, n, self.dry_run) for how, n in sorted(self.users.items()))
            lines.append(_("Users: %(parts)s.") % {"parts": parts})
        if self.users_without_email:
            lines.append(self._users_without_email_line())
        if self.roles_withheld:
            lines.append(self._roles_withheld_line())
        if self.articles:
            parts = ", ".join(
                _found(how, n, self.dry_run) for how, n in sorted(self.articles.items())
            )
            lines.append(_("Articles: %(parts)s.") % {"parts": parts})
        if self.updates_added:
            updates = {"count": _number(self.updates_added)}
            if self.dry_run:
                said = ngettext(
                    "Updates: %(count)s would be added.",
                    "Updates: %(count)s would be added.",
                    self.updates_added,
                )
            else:
                said = ngettext(
                    "Updates: %(count)s added.", "Updates: %(count)s added.", self.updates_added
                )
            lines.append(said % updates)
        if self.follows_added:
            follows = {"count": _number(self.follows_added)}
            if self.dry_run:
                said = ngettext(
                    "Followers: %(count)s would be added.",
                    "Followers: %(count)s would be added.",
                    self.follows_added,
                )
            else:
                said = ngettext(
                    "Followers: %(count)s added.", "Followers: %(count)s added.", self.follows_added
                )
            lines.append(said % follows)
        lines.append(self._comments_line())
        if self.skipped:
            parts = ", ".join(f"{n} {what}" for what, n in sorted(self.skipped.items()))
            lines.append(_("Skipped: %(parts)s.") % {"parts": parts})
        if self.warnings_total:
            lines.append(_("Warnings: %(count)s.") % {"count": _number(self.warnings_total)})
            lines += [f"  - {warning}" for warning in self.warnings]
            if self.warnings_total > len(self.warnings):
                more = {"count": _number(self.warnings_total - len(self.warnings))}
                lines.append("  " + _("… and %(count)s more.") % more)
        seconds = number_format(round(self.seconds, 1), 1)
        lines.append(_("Took %(seconds)s s.") % {"seconds": seconds})
        return lines

    def _users_without_email_line(self) -> str:
        # Imported accounts have no password and are told to set one through "Forgot
        # password", which needs an address: these are locked out until an admin acts.
        count = self.users_without_email
        if self.dry_run:
            said = ngettext(
                "%(count)s new account would have no email address and no password: it "
                "could not use “Forgot password”, so an admin would set its password (Users).",
                "%(count)s new accounts would have no email address and no password: they "
                "could not use “Forgot password”, so an admin would set their passwords "
                "(Users).",
                count,
            )
        else:
            said = ngettext(
                "%(count)s new account has no email address and no password: it cannot use "
                "“Forgot password”, so set its password in the admin (Users).",
                "%(count)s new accounts have no email address and no password: they cannot "
                "use “Forgot password”, so set their passwords in the admin (Users).",
                count,
            )
        return said % {"count": _number(count)}

    def _roles_withheld_line(self) -> str:
        count = self.roles_withheld
        if self.dry_run:
            said = ngettext(
                "%(count)s new account would get none of the roles the file gives it (author, "
                "moderator): this import was started by someone who may not change users.",
                "%(count)s new accounts would get none of the roles the file gives them "
                "(author, moderator): this import was started by someone who may not change "
                "users.",
                count,
            )
        else:
            said = ngettext(
                "%(count)s new account got none of the roles the file gives it (author, "
                "moderator): this import was started by someone who may not change users.",
                "%(count)s new accounts got none of the roles the file gives them (author, "
                "moderator): this import was started by someone who may not change users.",
                count,
            )
        return said % {"count": _number(count)}

    def _comments_line(self) -> str:
        by_status = ", ".join(
            _by_status(status, n) for status, n in sorted(self.comments_added.items())
        )
        values = {
            "count": _number(self.comments_total),
            "by_status": by_status,
            "already": _number(self.comments_already_imported),
        }
        # The same words in English whatever the count; other languages agree with it.
        count = self.comments_total
        if self.dry_run and by_status:
            said = ngettext(
                "Comments: %(count)s would be added (%(by_status)s); %(already)s already imported.",
                "Comments: %(count)s would be added (%(by_status)s); %(already)s already imported.",
                count,
            )
        elif self.dry_run:
            said = ngettext(
                "Comments: %(count)s would be added; %(already)s already imported.",
                "Comments: %(count)s would be added; %(already)s already imported.",
                count,
            )
        elif by_status:
            said = ngettext(
                "Comments: %(count)s added (%(by_status)s); %(already)s already imported.",
                "Comments: %(count)s added (%(by_status)s); %(already)s already imported.",
                count,
            )
        else:
            said = ngettext(
                "Comments: %(count)s added; %(already)s already imported.",
                "Comments: %(count)s added; %(already)s already imported.",
                count,
            )
        return said % values


def _number(n: int) -> str:
    """A count as the reader's language groups its digits: an import can add 80,000."""
    return number_format(n, force_grouping=True)


def _found(how: str, n: int, dry_run: bool) -> str:
    """How many users or articles were found how: "2 created", "1 would be matched"."""
    if dry_run:
        said = {
            "created": ngettext("%(count)s would be created", "%(count)s would be created", n),
            "matched": ngettext("%(count)s would be matched", "%(count)s would be matched", n),
        }
    else:
        said = {
            "created": ngettext("%(count)s created", "%(count)s created", n),
            "matched": ngettext("%(count)s matched", "%(count)s matched", n),
        }
    # Found through an earlier run's record: this run, dry or not, brings in nothing new.
    said["imported"] = ngettext("%(count)s already imported", "%(count)s already imported", n)
    # Authors in the file whom nothing new in it names: no account is made for them.
    said["unneeded"] = ngettext(
        "%(count)s left out, as nothing new in the file is theirs",
        "%(count)s left out, as nothing new in the file is theirs",
        n,
    )
    return said[how] % {"count": _number(n)} if how in said else f"{_number(n)} {how}"


def _by_status(status: str, n: int) -> str:
    """How many comments were added with a status: "2 published"."""
    said = {
        "published": npgettext("comments", "%(count)s published", "%(count)s published", n),
        "held": npgettext("comments", "%(count)s held", "%(count)s held", n),
        "spam": npgettext("comments", "%(count)s spam", "%(count)s spam", n),
        "removed": npgettext("comments", "%(count)s removed", "%(count)s removed", n),
        "pending": npgettext("comments", "%(count)s pending", "%(count)s pending", n),
        "deleted": npgettext("comments", "%(count)s deleted", "%(count)s deleted", n),
    }
    return said[status] % {"count": _number(n)} if status in said else f"{_number(n)} {status}"
