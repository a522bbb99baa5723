"""The comment form's fields are copied for each form as Django copies them (each form can
change its own), without copy.copy's generic protocol, which was most of the form's cost."""

import copy

from django import forms

from comments.forms import CommentForm
from core.fields import fields_copied_cheaply


def test_each_comment_form_gets_fields_of_its_own_without_copy_copy(monkeypatch):
    def refused(thing):
        raise AssertionError(f"copy.copy({thing!r}) on the comment form's way")

    # Field.__deepcopy__ and Widget.__deepcopy__ both start with copy.copy.
    monkeypatch.setattr(copy, "copy", refused)
    first, second = CommentForm(None, data={}), CommentForm(None, data={})
    base = CommentForm.base_fields
    assert set(first.fields) == set(base)
    for name, field in base.items():
        mine, theirs = first.fields[name], second.fields[name]
        assert mine is not field and mine is not theirs and type(mine) is type(field)
        assert mine.widget is not field.widget and mine.widget is not theirs.widget
        assert mine.widget.attrs == field.widget.attrs
        assert mine.widget.attrs is not field.widget.attrs
        assert mine.error_messages == field.error_messages
        assert mine.error_messages is not field.error_messages
        assert mine.validators == field.validators and mine.validators is not field.validators
        assert mine.label == field.label and mine.__dict__.keys() == field.__dict__.keys()

    first.fields["email"].widget.attrs["required"] = True
    first.fields["name"].help_text = "only this form's"
    first.fields["comment"].error_messages["required"] = "only this form's"
    assert "required" not in second.fields["email"].widget.attrs
    assert "required" not in base["email"].widget.attrs
    assert second.fields["name"].help_text == base["name"].help_text != "only this form's"
    assert base["comment"].error_messages["required"] != "only this form's"


def test_a_field_that_copies_itself_otherwise_is_deep_copied_as_before():
    @fields_copied_cheaply
    class Choosing(forms.Form):
        colour = forms.ChoiceField(choices=[("r", "Red"), ("g", "Green")])
        shared = forms.CharField()

    form = Choosing()
    base = Choosing.base_fields["colour"]
    # ChoiceField.__deepcopy__ copies its choices, and Select's widget its own.
    assert form.fields["colour"].choices == base.choices
    assert form.fields["colour"].choices is not base.choices
    assert form.fields["colour"].widget.choices is not base.widget.choices
    form.fields["colour"].choices = [("b", "Blue")]
    assert [value for value, _ in Choosing().fields["colour"].choices] == ["r", "g"]
    assert form.fields["shared"] is not Choosing.base_fields["shared"]
