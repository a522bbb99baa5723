from django.conf import settings
from django.db import migrations, models

from core.account_names import display_name_skeleton


def display_skeletons_fill(apps, schema_editor):
    """Every account with a display name gets its skeleton, a thousand at a time."""
    User = apps.get_model(settings.AUTH_USER_MODEL)
    NameSkeleton = apps.get_model("core", "NameSkeleton")
    named = User.objects.exclude(first_name="", last_name="").order_by("pk")
    batch = []
    for pk, first_name, last_name in named.values_list("pk", "first_name", "last_name").iterator(
        chunk_size=1000
    ):
        skeleton = display_name_skeleton(f"{first_name} {last_name}".strip())
        batch.append(NameSkeleton(user_id=pk, display_skeleton=skeleton))
        if len(batch) == 1000:
            NameSkeleton.objects.bulk_update(batch, ["display_skeleton"])
            batch = []
    NameSkeleton.objects.bulk_update(batch, ["display_skeleton"])


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="nameskeleton",
            name="display_skeleton",
            field=models.CharField(
                blank=True,
                db_default="",
                db_index=True,
                default="",
                max_length=600,
                verbose_name="display name skeleton",
            ),
        ),
        migrations.RunPython(display_skeletons_fill, migrations.RunPython.noop),
    ]
