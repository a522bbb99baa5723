"""Every field that may hold personal data is in readers.personal_data, with what the export
and the erasure do with it."""

from django.apps import apps
from django.contrib.auth import get_user_model
from django.db import models

from readers.personal_data import NOT_PERSONAL, PERSONAL_DATA, Erasure

# Parts of a field's name that say it holds an address, an IP or a name.
PERSONAL_WORDS = ("email", "ip", "name", "user_name", "url", "address")
PERSONAL_TYPES = (models.EmailField, models.GenericIPAddressField, models.URLField)


def _label(model, field) -> str:
    return f"{model._meta.app_label}.{model.__name__}.{field.name}"


def _stored_fields():
    """(model, field) for each column or many-to-many relation a model's own table holds."""
    for model in apps.get_models():
        for field in (*model._meta.local_fields, *model._meta.local_many_to_many):
            yield model, field


def _looks_personal(field) -> bool:
    user_model = get_user_model()
    return (
        isinstance(field, PERSONAL_TYPES)
        or (field.is_relation and field.related_model is user_model)
        or any(word in field.name.lower() for word in PERSONAL_WORDS)
    )


def test_every_field_that_looks_personal_is_registered():
    """A new field holding an email, an IP or web address, a name or an account fails here
    until readers.personal_data says how it is exported and erased, or why it is not
    personal."""
    missing = sorted(
        _label(model, field)
        for model, field in _stored_fields()
        if _looks_personal(field)
        and _label(model, field) not in PERSONAL_DATA
        and _label(model, field) not in NOT_PERSONAL
    )
    assert missing == [], f"Add these to readers/personal_data.py: {missing}"


def test_the_walk_covers_our_apps_allauth_and_the_user():
    """The walk reaches the user, allauth's addresses and every app of ours."""
    labels = {_label(model, field) for model, field in _stored_fields()}
    assert {"auth.User.email", "account.EmailAddress.email", "readers.Follow.email"} <= labels
    ours = {"articles", "comments", "moderation", "readers", "transfer", "health"}
    assert ours <= {model._meta.app_label for model, _ in _stored_fields()}


def test_every_registered_field_exists_and_is_listed_once():
    """The registry names real fields, and nothing is both personal and not."""
    labels = {_label(model, field) for model, field in _stored_fields()}
    assert sorted(set(PERSONAL_DATA) - labels) == []
    assert sorted(set(NOT_PERSONAL) - labels) == []
    assert set(PERSONAL_DATA).isdisjoint(NOT_PERSONAL)


def test_every_entry_says_why_when_it_is_not_exported_or_is_kept():
    """Not exporting a field, or keeping it after erasure, always comes with a reason."""
    unexplained = [
        label
        for label, entry in PERSONAL_DATA.items()
        if (not entry.export or entry.erasure == Erasure.KEPT) and not entry.why.strip()
    ]
    assert unexplained == []
    assert all(reason.strip() for reason in NOT_PERSONAL.values())


def test_the_walk_catches_a_new_personal_field():
    """A model with an unregistered email, IP or account link is reported by the walk."""
    user_model = get_user_model()
    fields = [
        models.EmailField(name="contact"),
        models.GenericIPAddressField(name="seen_from"),
        models.ForeignKey(user_model, on_delete=models.CASCADE, name="owner"),
        models.CharField(name="nickname", max_length=10),
    ]
    for field in fields:
        assert _looks_personal(field), field.name
    assert not _looks_personal(models.SlugField(name="slug"))
