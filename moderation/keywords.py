"""The keyword lists a new site starts with, and how an admin's list is read."""

# Starting lists, written for Parley and editable by admins (Moderation rules). Disallowed
# phrases are ones no reader writes in passing; moderation keywords are merely suspicious.
DEFAULT_DISALLOWED_KEYWORDS = "\n".join(
    [
        "viagra", "cialis", "casino bonus", "free spins", "payday loan", "buy followers",
        "cheap followers", "crypto giveaway", "binary options", "forex signals",
        "essay writing service", "replica watches", "weight loss pills",
        "check out my channel", "subscribe to my channel", "work from home and earn",
    ]
)  # fmt: skip
DEFAULT_MODERATION_KEYWORDS = "\n".join(
    ["bit.ly", "tinyurl.com", "whatsapp", "telegram", "casino", "bitcoin", "promo code"]
)


def keyword_list(text: str) -> tuple[str, ...]:
    """Keywords from an admin's one-per-line box, lowercased, blanks dropped."""
    return tuple(line.strip().lower() for line in (text or "").splitlines() if line.strip())
