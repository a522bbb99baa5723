"""Form fields the apps share."""

from django import forms


class TextareaField(forms.CharField):
    """A CharField for a textarea, whose line breaks count one character each.

    Browsers send a textarea's line breaks as CRLF but count each as one character against
    its maxlength, so a text the browser let through was refused as too long (3,000 typed
    characters with 58 line breaks "had" 3,058). Stored text keeps "\\n" alone, as it is
    rendered."""

    def to_python(self, value):
        value = super().to_python(value)
        return value.replace("\r\n", "\n").replace("\r", "\n")
