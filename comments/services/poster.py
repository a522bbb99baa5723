"""Who posts a comment, and why a post can be refused: the words posting and placing share."""

from dataclasses import dataclass
from datetime import datetime

from django.contrib.auth.models import AbstractBaseUser
from django.utils.translation import gettext

from core.account_names import account_comment_name
from core.accounts import account_verified_email
from core.keys import author_key_for


class CommentRejected(Exception):
    """A comment that cannot be stored as given; `field` names the form field to blame."""

    def __init__(self, field: str | None, message: str):
        super().__init__(message)
        self.field = field
        self.message = message


class CommentRefused(CommentRejected):
    """The site's screening refuses this poster (a ban), until `until` if it ends."""

    def __init__(self, until: datetime | None = None):
        super().__init__(None, gettext("This poster may not comment here."))
        self.until = until


@dataclass(frozen=True)
class Poster:
    """Who is posting: a signed-in user, or a guest's name, email and website.

    `browser_key` identifies the browser the post came from (see comments.owner.browser_key)
    and is how a guest's double click is recognised as one comment. `email_verified` says
    this browser proved the guest's address through an emailed link; only then do the
    guest's history and trust follow them from comment to comment.
    """

    name: str
    email: str = ""
    url: str = ""
    user: AbstractBaseUser | None = None
    browser_key: str = ""
    email_verified: bool = False

    @property
    def author_key(self) -> str:
        return author_key_for(
            user_id=self.user.pk if self.user is not None else None,
            verified_email=self.email if self.email_verified else "",
        )

    @classmethod
    def for_user(cls, user: AbstractBaseUser) -> "Poster":
        # Only an address the account proved: any number of accounts may type someone
        # else's (ACCOUNT_PREVENT_ENUMERATION "strict"), and a comment's address is what
        # moderators see as its author's and may ban.
        return cls(name=account_comment_name(user), email=account_verified_email(user), user=user)
