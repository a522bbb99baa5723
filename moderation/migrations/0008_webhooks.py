# Placeholder filled in by the change that needs it: webhooks and their delivery log
import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

import moderation.models.webhooks


class Migration(migrations.Migration):
    dependencies = [("moderation", "0007_audit")]

    operations = [
        migrations.CreateModel(
            name="Webhook",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("url", models.URLField(help_text="http or https.", max_length=500)),
                (
                    "on_held",
                    models.BooleanField(default=True, help_text="A comment is held for review."),
                ),
                (
                    "on_reported",
                    models.BooleanField(default=True, help_text="A reader reports a comment."),
                ),
                (
                    "on_published",
                    models.BooleanField(default=False, help_text="A comment is published."),
                ),
                ("active", models.BooleanField(default=True)),
                (
                    "secret",
                    models.CharField(
                        default=moderation.models.webhooks._secret_new,
                        editable=False,
                        max_length=64,
                    ),
                ),
                ("created_at", models.DateTimeField(auto_now_add=True)),
                (
                    "created_by",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
            ],
            options={"ordering": ["pk"]},
        ),
        migrations.CreateModel(
            name="WebhookDelivery",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "event",
                    models.CharField(
                        choices=[
                            ("held", "Comment held"),
                            ("reported", "Comment reported"),
                            ("published", "Comment published"),
                        ],
                        max_length=16,
                    ),
                ),
                ("comment_id", models.PositiveBigIntegerField()),
                ("payload", models.JSONField()),
                (
                    "status",
                    models.CharField(
                        choices=[
                            ("pending", "Pending"),
                            ("succeeded", "Delivered"),
                            ("failed", "Failed"),
                        ],
                        db_index=True,
                        default="pending",
                        max_length=16,
                    ),
                ),
                ("attempts", models.PositiveSmallIntegerField(default=0)),
                ("next_attempt_at", models.DateTimeField()),
                ("response_status", models.PositiveSmallIntegerField(blank=True, null=True)),
                ("duration_ms", models.FloatField(blank=True, null=True)),
                ("error", models.CharField(blank=True, max_length=500)),
                ("created_at", models.DateTimeField(auto_now_add=True, db_index=True)),
                ("finished_at", models.DateTimeField(blank=True, null=True)),
                (
                    "webhook",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="deliveries",
                        to="moderation.webhook",
                    ),
                ),
            ],
            options={
                "verbose_name_plural": "webhook deliveries",
                "ordering": ["-created_at", "-pk"],
                "indexes": [
                    models.Index(fields=["status", "next_attempt_at"], name="webhook_delivery_due")
                ],
            },
        ),
    ]
