"""The audit of staff edits: what staff added, changed or deleted in the admin (the moderation
rules among them), each changed field before and after. Secrets are never stored, only
marked as changed; email and IP addresses are masked as bans mask them."""

from collections.abc import Iterable, Mapping
from datetime import date, datetime
from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext

from ..models import Ban, StaffEdit
from .bans import address_mask

# Long texts (an article's body) are kept whole up to here.
VALUE_LIMIT = 2000


def _is_secret(name: str, secret_fields: Iterable[str] = ()) -> bool:
    """Whether a field holds a secret: that it changed is recorded, never its value."""
    return name in secret_fields or any(word in name for word in ("password", "secret", "token"))


def _is_derived(name: str) -> bool:
    """Whether a field is a keyed hash of another value: never recorded at all."""
    return name.endswith(("_hash", "_key"))


def _text(field: models.Field, value: Any) -> str:
    """The value of `field` as a person reads it in the log ("" for empty)."""
    if value is None or value == "" or (field.many_to_many and not value):
        return ""
    if field.many_to_many:
        return ", ".join(sorted(str(item) for item in value))
    if field.is_relation:
        if isinstance(value, models.Model):
            return str(value)
        # A form's initial data holds the related row's key, not the row.
        found = field.related_model._base_manager.filter(pk=value).first()
        return str(found) if found is not None else f"#{value}"
    if field.choices:
        return str(dict(field.flatchoices).get(value, value))
    if isinstance(field, models.BooleanField):
        return gettext("yes") if value else gettext("no")
    if isinstance(field, models.EmailField):
        return address_mask(Ban.Kind.EMAIL, str(value))
    if isinstance(field, models.GenericIPAddressField):
        return address_mask(Ban.Kind.IP, str(value))
    if isinstance(value, datetime):
        value = timezone.localtime(value) if timezone.is_aware(value) else value
        return value.isoformat(sep=" ", timespec="seconds")
    if isinstance(value, date):
        return value.isoformat()
    text = str(value)
    return text if len(text) <= VALUE_LIMIT else text[: VALUE_LIMIT - 1] + "…"


def _value(instance: models.Model, field: models.Field) -> Any:
    if field.many_to_many:
        return list(getattr(instance, field.name).all())
    return getattr(instance, field.name) if field.is_relation else field.value_from_object(instance)


def _fields(model: type[models.Model]) -> dict[str, models.Field]:
    opts = model._meta
    return {field.name: field for field in (*opts.concrete_fields, *opts.many_to_many)}


def _shown_fields(model: type[models.Model]) -> list[models.Field]:
    """The fields an addition or deletion lists: those staff can edit, hashes left out."""
    return [
        field
        for field in _fields(model).values()
        if field.editable and not field.primary_key and not _is_derived(field.name)
    ]


def _listing(instance: models.Model, *, secret_fields: Iterable[str], gone: bool) -> list[dict]:
    """Every non-empty field of an object added (or, if `gone`, deleted), secrets hidden."""
    changes = []
    for field in _shown_fields(type(instance)):
        value = _value(instance, field)
        if _is_secret(field.name, secret_fields):
            if value not in (None, ""):
                changes.append(_change(field, before=None, after=None, hidden=True))
        elif text := _text(field, value):
            before, after = (text, None) if gone else (None, text)
            changes.append(_change(field, before=before, after=after))
    return changes


def _change(
    field: models.Field, *, before: str | None, after: str | None, hidden: bool = False
) -> dict:
    label = str(field.verbose_name)
    return {"field": field.name, "label": label, "before": before, "after": after, "hidden": hidden}


def _edit(
    *,
    actor: AbstractBaseUser,
    instance: models.Model,
    action: str,
    changes: list[dict],
    secret_fields: Iterable[str],
) -> StaffEdit:
    opts = instance._meta
    name = str(instance)
    secrets = [str(getattr(instance, field, "") or "") for field in secret_fields]
    if any(secret and secret in name for secret in secrets):
        # The object is named by its secret (a webhook by its address): name it by its key.
        name = f"{opts.verbose_name} #{instance.pk}"
    return StaffEdit(
        actor=actor,
        actor_label=actor.get_username(),
        action=action,
        model=opts.label_lower,
        model_label=str(opts.verbose_name),
        object_id=str(instance.pk),
        object_repr=name[:200],
        changes=changes,
    )


def staff_edit_record(
    *,
    actor: AbstractBaseUser,
    instance: models.Model,
    added: bool = False,
    before: Mapping[str, Any] | None = None,
    field_names: Iterable[str] = (),
    secret_fields: Iterable[str] = (),
) -> StaffEdit | None:
    """Record a staff addition, or a change of `field_names` from the values in `before`
    (None if nothing changed); the values after are read back as stored. Fields named in
    `secret_fields` (and passwords, secrets, tokens) are marked changed, never shown."""
    model = type(instance)
    fields = _fields(model)
    stored = model._base_manager.get(pk=instance.pk)
    if added:
        changes = _listing(stored, secret_fields=secret_fields, gone=False)
    else:
        before = before or {}
        changes, secrets = [], set()
        for name in field_names:
            if _is_secret(name, secret_fields):
                # A password form's own fields (password1, usable_password) stand for it.
                secrets.add("password" if "password" in name else name)
            elif name in fields and not _is_derived(name):
                field = fields[name]
                old, new = _text(field, before.get(name)), _text(field, _value(stored, field))
                if old != new:
                    changes.append(_change(field, before=old, after=new))
        changes += [
            _change(fields[name], before=None, after=None, hidden=True)
            for name in sorted(secrets)
            if name in fields
        ]
    if not changes:
        return None
    action = StaffEdit.Action.ADDED if added else StaffEdit.Action.CHANGED
    edit = _edit(
        actor=actor, instance=stored, action=action, changes=changes, secret_fields=secret_fields
    )
    edit.save()
    return edit


def staff_edits_record_deletion(
    *,
    actor: AbstractBaseUser,
    instances: Iterable[models.Model],
    secret_fields: Iterable[str] = (),
) -> list[StaffEdit]:
    """Record the deletion of `instances` (about to be deleted) with what they held."""
    if isinstance(instances, models.QuerySet):
        # A bulk delete from the list: the related rows shown come in two or three queries.
        relations = [f for f in _shown_fields(instances.model) if f.is_relation]
        instances = instances.select_related(
            *(f.name for f in relations if not f.many_to_many)
        ).prefetch_related(*(f.name for f in relations if f.many_to_many))
    edits = [
        _edit(
            actor=actor,
            instance=instance,
            action=StaffEdit.Action.DELETED,
            changes=_listing(instance, secret_fields=secret_fields, gone=True),
            secret_fields=secret_fields,
        )
        for instance in instances
    ]
    return StaffEdit.objects.bulk_create(edits)


def staff_edits_forget(*, model: type[models.Model], object_ids: Iterable[int | str]) -> int:
    """Blank the values recorded for objects whose words and details were erased (their
    authors deleted them); who changed which field, and when, stays."""
    edits = list(
        StaffEdit.objects.filter(
            model=model._meta.label_lower, object_id__in=[str(pk) for pk in object_ids]
        )
    )
    for edit in edits:
        edit.changes = [
            {**change, "before": None, "after": None, "hidden": True} for change in edit.changes
        ]
    StaffEdit.objects.bulk_update(edits, ["changes"])
    return len(edits)
