# Names for the admin, translatable (the same English as before)

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("transfer", "0001_initial"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AlterModelOptions(
            name="importrun",
            options={
                "ordering": ["-created_at", "-pk"],
                "verbose_name": "import run",
                "verbose_name_plural": "import runs",
            },
        ),
        migrations.AlterField(
            model_name="importrun",
            name="created_at",
            field=models.DateTimeField(auto_now_add=True, verbose_name="created at"),
        ),
        migrations.AlterField(
            model_name="importrun",
            name="dry_run",
            field=models.BooleanField(
                default=False,
                help_text="Read the file and report what would change; store nothing.",
                verbose_name="dry run",
            ),
        ),
        migrations.AlterField(
            model_name="importrun",
            name="error",
            field=models.TextField(blank=True, default="", verbose_name="error"),
        ),
        migrations.AlterField(
            model_name="importrun",
            name="file_name",
            field=models.CharField(
                blank=True, default="", max_length=255, verbose_name="file name"
            ),
        ),
        migrations.AlterField(
            model_name="importrun",
            name="file_sha256",
            field=models.CharField(
                blank=True, db_index=True, default="", max_length=64, verbose_name="file sha256"
            ),
        ),
        migrations.AlterField(
            model_name="importrun",
            name="file_size",
            field=models.BigIntegerField(default=0, verbose_name="file size"),
        ),
        migrations.AlterField(
            model_name="importrun",
            name="finished_at",
            field=models.DateTimeField(blank=True, null=True, verbose_name="finished at"),
        ),
        migrations.AlterField(
            model_name="importrun",
            name="format",
            field=models.CharField(
                choices=[
                    ("wordpress", "WordPress (WXR)"),
                    ("disqus", "Disqus XML"),
                    ("json", "Parley JSON backup"),
                ],
                max_length=16,
                verbose_name="format",
            ),
        ),
        migrations.AlterField(
            model_name="importrun",
            name="report",
            field=models.JSONField(blank=True, default=dict, verbose_name="report"),
        ),
        migrations.AlterField(
            model_name="importrun",
            name="started_at",
            field=models.DateTimeField(blank=True, null=True, verbose_name="started at"),
        ),
        migrations.AlterField(
            model_name="importrun",
            name="started_by",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
                verbose_name="started by",
            ),
        ),
        migrations.AlterField(
            model_name="importrun",
            name="status",
            field=models.CharField(
                choices=[
                    ("queued", "Queued"),
                    ("running", "Running"),
                    ("done", "Done"),
                    ("failed", "Failed: nothing was stored"),
                ],
                default="queued",
                max_length=8,
                verbose_name="status",
            ),
        ),
        migrations.AlterField(
            model_name="importrun",
            name="upload",
            field=models.FileField(blank=True, upload_to="imports/%Y/%m/", verbose_name="upload"),
        ),
    ]
