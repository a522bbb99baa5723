from django.db import migrations
from django.db.models import Q

# The embeddings, overrides and isolates core.text now drops from what readers write. Spelled
# out here, as migrations keep their own copy of what they need.
BIDI_CONTROLS = "".join(chr(c) for c in (*range(0x202A, 0x202F), *range(0x2066, 0x206A)))
DROP = str.maketrans("", "", BIDI_CONTROLS)
FIELDS = ("user_name", "comment", "comment_html")


def drop_bidi_controls(apps, schema_editor):
    """Comments stored before the change lose the same characters new ones do."""
    Comment = apps.get_model("comments", "Comment")
    pattern = f"[{BIDI_CONTROLS}]"
    affected = Q()
    for field in FIELDS:
        affected |= Q(**{f"{field}__regex": pattern})
    rows = Comment.objects.filter(affected).values_list("pk", *FIELDS)
    for pk, *values in rows.iterator(chunk_size=500):
        cleaned = {field: value.translate(DROP) for field, value in zip(FIELDS, values, strict=True)}
        Comment.objects.filter(pk=pk).update(**cleaned)


class Migration(migrations.Migration):
    dependencies = [("comments", "0005_author_key")]

    operations = [migrations.RunPython(drop_bidi_controls, migrations.RunPython.noop)]
