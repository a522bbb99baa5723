# Names for the admin and the audit log, translatable (the same English as before)

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

import moderation.models.webhooks


class Migration(migrations.Migration):
    dependencies = [
        ("comments", "0010_votes"),
        ("moderation", "0010_vote_rules"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AlterModelOptions(
            name="ban",
            options={
                "ordering": ["-created_at", "-pk"],
                "verbose_name": "ban",
                "verbose_name_plural": "bans",
            },
        ),
        migrations.AlterModelOptions(
            name="commenternote",
            options={
                "ordering": ["-created_at", "-pk"],
                "verbose_name": "commenter note",
                "verbose_name_plural": "commenter notes",
            },
        ),
        migrations.AlterModelOptions(
            name="helddigest",
            options={"verbose_name": "held digest", "verbose_name_plural": "held digests"},
        ),
        migrations.AlterModelOptions(
            name="moderationevent",
            options={
                "ordering": ["-created_at", "-pk"],
                "verbose_name": "moderation event",
                "verbose_name_plural": "moderation events",
            },
        ),
        migrations.AlterModelOptions(
            name="report",
            options={"verbose_name": "report", "verbose_name_plural": "reports"},
        ),
        migrations.AlterModelOptions(
            name="spammodel",
            options={
                "ordering": ["-trained_at", "-pk"],
                "verbose_name": "spam model",
                "verbose_name_plural": "spam models",
            },
        ),
        migrations.AlterModelOptions(
            name="spamverdict",
            options={
                "ordering": ["-created_at", "-pk"],
                "verbose_name": "spam verdict",
                "verbose_name_plural": "spam verdicts",
            },
        ),
        migrations.AlterModelOptions(
            name="staffedit",
            options={
                "ordering": ["-created_at", "-pk"],
                "verbose_name": "staff edit",
                "verbose_name_plural": "staff edits",
            },
        ),
        migrations.AlterModelOptions(
            name="trainingexample",
            options={
                "verbose_name": "training example",
                "verbose_name_plural": "training examples",
            },
        ),
        migrations.AlterModelOptions(
            name="webhook",
            options={
                "ordering": ["pk"],
                "verbose_name": "webhook",
                "verbose_name_plural": "webhooks",
            },
        ),
        migrations.AlterModelOptions(
            name="webhookdelivery",
            options={
                "ordering": ["-created_at", "-pk"],
                "verbose_name": "webhook delivery",
                "verbose_name_plural": "webhook deliveries",
            },
        ),
        migrations.AlterField(
            model_name="ban",
            name="created_at",
            field=models.DateTimeField(auto_now_add=True, verbose_name="created at"),
        ),
        migrations.AlterField(
            model_name="ban",
            name="created_by",
            field=models.ForeignKey(
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
                verbose_name="created by",
            ),
        ),
        migrations.AlterField(
            model_name="ban",
            name="display",
            field=models.CharField(
                help_text="Masked, for moderators' eyes.", max_length=120, verbose_name="display"
            ),
        ),
        migrations.AlterField(
            model_name="ban",
            name="expires_at",
            field=models.DateTimeField(blank=True, null=True, verbose_name="expires at"),
        ),
        migrations.AlterField(
            model_name="ban",
            name="kind",
            field=models.CharField(
                choices=[("account", "Account"), ("email", "Email address"), ("ip", "IP address")],
                max_length=8,
                verbose_name="kind",
            ),
        ),
        migrations.AlterField(
            model_name="ban",
            name="lifted_at",
            field=models.DateTimeField(blank=True, null=True, verbose_name="lifted at"),
        ),
        migrations.AlterField(
            model_name="ban",
            name="reason",
            field=models.TextField(verbose_name="reason"),
        ),
        migrations.AlterField(
            model_name="ban",
            name="shadow",
            field=models.BooleanField(
                default=False,
                help_text="The poster still sees their comments; nobody else does.",
                verbose_name="shadow",
            ),
        ),
        migrations.AlterField(
            model_name="ban",
            name="user",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
                verbose_name="user",
            ),
        ),
        migrations.AlterField(
            model_name="ban",
            name="value_hash",
            field=models.CharField(
                blank=True, db_index=True, max_length=64, verbose_name="value hash"
            ),
        ),
        migrations.AlterField(
            model_name="commenternote",
            name="author",
            field=models.ForeignKey(
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
                verbose_name="author",
            ),
        ),
        migrations.AlterField(
            model_name="commenternote",
            name="author_label",
            field=models.CharField(
                help_text="The writer's username, kept.",
                max_length=150,
                verbose_name="author label",
            ),
        ),
        migrations.AlterField(
            model_name="commenternote",
            name="comment",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="+",
                to="comments.comment",
                verbose_name="comment",
            ),
        ),
        migrations.AlterField(
            model_name="commenternote",
            name="created_at",
            field=models.DateTimeField(auto_now_add=True, verbose_name="created at"),
        ),
        migrations.AlterField(
            model_name="commenternote",
            name="subject_key",
            field=models.CharField(db_index=True, max_length=80, verbose_name="subject key"),
        ),
        migrations.AlterField(
            model_name="commenternote",
            name="text",
            field=models.TextField(max_length=2000, verbose_name="text"),
        ),
        migrations.AlterField(
            model_name="helddigest",
            name="comment_count",
            field=models.PositiveIntegerField(verbose_name="comment count"),
        ),
        migrations.AlterField(
            model_name="helddigest",
            name="recipient_count",
            field=models.PositiveIntegerField(verbose_name="recipient count"),
        ),
        migrations.AlterField(
            model_name="helddigest",
            name="sent_at",
            field=models.DateTimeField(auto_now_add=True, db_index=True, verbose_name="sent at"),
        ),
        migrations.AlterField(
            model_name="moderationevent",
            name="actor",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
                verbose_name="actor",
            ),
        ),
        migrations.AlterField(
            model_name="moderationevent",
            name="actor_label",
            field=models.CharField(
                help_text='"scorer", "system" or a username.',
                max_length=150,
                verbose_name="actor label",
            ),
        ),
        migrations.AlterField(
            model_name="moderationevent",
            name="ban",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="+",
                to="moderation.ban",
                verbose_name="ban",
            ),
        ),
        migrations.AlterField(
            model_name="moderationevent",
            name="comment",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="+",
                to="comments.comment",
                verbose_name="comment",
            ),
        ),
        migrations.AlterField(
            model_name="moderationevent",
            name="created_at",
            field=models.DateTimeField(auto_now_add=True, db_index=True, verbose_name="created at"),
        ),
        migrations.AlterField(
            model_name="moderationevent",
            name="from_status",
            field=models.CharField(
                blank=True,
                choices=[
                    ("pending", "Pending"),
                    ("published", "Published"),
                    ("held", "Held for a moderator"),
                    ("spam", "Spam"),
                    ("removed", "Removed"),
                    ("deleted", "Deleted by its author"),
                ],
                max_length=16,
                verbose_name="from status",
            ),
        ),
        migrations.AlterField(
            model_name="moderationevent",
            name="reasons",
            field=models.JSONField(blank=True, default=list, verbose_name="reasons"),
        ),
        migrations.AlterField(
            model_name="moderationevent",
            name="to_status",
            field=models.CharField(
                blank=True,
                choices=[
                    ("pending", "Pending"),
                    ("published", "Published"),
                    ("held", "Held for a moderator"),
                    ("spam", "Spam"),
                    ("removed", "Removed"),
                    ("deleted", "Deleted by its author"),
                ],
                max_length=16,
                verbose_name="to status",
            ),
        ),
        migrations.AlterField(
            model_name="moderationevent",
            name="undone_at",
            field=models.DateTimeField(blank=True, null=True, verbose_name="undone at"),
        ),
        migrations.AlterField(
            model_name="moderationrules",
            name="authors_moderate_own_articles",
            field=models.BooleanField(
                default=False,
                help_text="An article's authors may approve, mark spam or remove the comments on their own articles, from the article's page. Banning stays with moderators.",
                verbose_name="authors moderate own articles",
            ),
        ),
        migrations.AlterField(
            model_name="moderationrules",
            name="default_order",
            field=models.CharField(
                blank=True,
                choices=[
                    ("", "The site's setting (PARLEY_COMMENT_ORDER)"),
                    ("oldest", "Oldest first"),
                    ("newest", "Newest first"),
                    ("best", "Best first (by readers' votes)"),
                ],
                default="",
                help_text="How an article's threads are ordered for a reader who chose no order.",
                max_length=8,
                verbose_name="default order",
            ),
        ),
        migrations.AlterField(
            model_name="moderationrules",
            name="disallowed_keywords",
            field=models.TextField(
                blank=True,
                default="viagra\ncialis\ncasino bonus\nfree spins\npayday loan\nbuy followers\ncheap followers\ncrypto giveaway\nbinary options\nforex signals\nessay writing service\nreplica watches\nweight loss pills\ncheck out my channel\nsubscribe to my channel\nwork from home and earn",
                help_text="One per line. A comment that contains one is marked spam.",
                verbose_name="disallowed keywords",
            ),
        ),
        migrations.AlterField(
            model_name="moderationrules",
            name="down_votes_allowed",
            field=models.BooleanField(
                default=True,
                help_text="Readers may vote comments down as well as up.",
                verbose_name="down votes allowed",
            ),
        ),
        migrations.AlterField(
            model_name="moderationrules",
            name="down_votes_to_report",
            field=models.PositiveSmallIntegerField(
                blank=True,
                help_text="Down votes that put a comment in the queue's Reported tab (empty: never). Votes never hide a comment: a moderator decides.",
                null=True,
                verbose_name="down votes to report",
            ),
        ),
        migrations.AlterField(
            model_name="moderationrules",
            name="hold_all",
            field=models.BooleanField(
                default=False,
                help_text="Every comment must be approved by a moderator.",
                verbose_name="hold all",
            ),
        ),
        migrations.AlterField(
            model_name="moderationrules",
            name="hold_first_comment",
            field=models.BooleanField(
                default=False,
                help_text="Hold comments from authors without a previously approved one.",
                verbose_name="hold first comment",
            ),
        ),
        migrations.AlterField(
            model_name="moderationrules",
            name="hold_threshold",
            field=models.FloatField(default=0.5, verbose_name="hold threshold"),
        ),
        migrations.AlterField(
            model_name="moderationrules",
            name="link_limit",
            field=models.PositiveSmallIntegerField(
                default=2,
                help_text="Hold a comment with this many links or more (0: no limit).",
                verbose_name="link limit",
            ),
        ),
        migrations.AlterField(
            model_name="moderationrules",
            name="log_only",
            field=models.BooleanField(
                default=False,
                help_text="Score and record verdicts without acting on them: every comment is published.",
                verbose_name="log only",
            ),
        ),
        migrations.AlterField(
            model_name="moderationrules",
            name="min_seconds_to_submit",
            field=models.PositiveSmallIntegerField(
                default=3,
                help_text="A form sent sooner than this after it was shown counts against it.",
                verbose_name="min seconds to submit",
            ),
        ),
        migrations.AlterField(
            model_name="moderationrules",
            name="moderation_keywords",
            field=models.TextField(
                blank=True,
                default="bit.ly\ntinyurl.com\nwhatsapp\ntelegram\ncasino\nbitcoin\npromo code",
                help_text="One per line. A comment whose text, name, email, website, IP address or browser contains one is held.",
                verbose_name="moderation keywords",
            ),
        ),
        migrations.AlterField(
            model_name="moderationrules",
            name="reports_to_hold",
            field=models.PositiveSmallIntegerField(
                default=3,
                help_text="Reader reports that hold a published comment.",
                verbose_name="reports to hold",
            ),
        ),
        migrations.AlterField(
            model_name="moderationrules",
            name="site_model_half_labels",
            field=models.PositiveIntegerField(
                default=200,
                help_text="Labelled decisions at which the site's own model weighs as much as the starter model it ships with; below, the starter weighs more, above, the site's.",
                verbose_name="site model half labels",
            ),
        ),
        migrations.AlterField(
            model_name="moderationrules",
            name="spam_threshold",
            field=models.FloatField(default=0.9, verbose_name="spam threshold"),
        ),
        migrations.AlterField(
            model_name="moderationrules",
            name="trust_approved_authors",
            field=models.BooleanField(
                default=True,
                help_text="Authors with approved comments and no spam get the benefit of the doubt.",
                verbose_name="trust approved authors",
            ),
        ),
        migrations.AlterField(
            model_name="moderationrules",
            name="updated_at",
            field=models.DateTimeField(auto_now=True, verbose_name="updated at"),
        ),
        migrations.AlterField(
            model_name="moderationrules",
            name="use_model",
            field=models.BooleanField(
                default=True, help_text="Use the learned spam model.", verbose_name="use model"
            ),
        ),
        migrations.AlterField(
            model_name="report",
            name="comment",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.CASCADE,
                related_name="+",
                to="comments.comment",
                verbose_name="comment",
            ),
        ),
        migrations.AlterField(
            model_name="report",
            name="created_at",
            field=models.DateTimeField(auto_now_add=True, verbose_name="created at"),
        ),
        migrations.AlterField(
            model_name="report",
            name="dismissed_by",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
                verbose_name="dismissed by",
            ),
        ),
        migrations.AlterField(
            model_name="report",
            name="dismissed_in",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="+",
                to="moderation.moderationevent",
                verbose_name="dismissed in",
            ),
        ),
        migrations.AlterField(
            model_name="report",
            name="note",
            field=models.CharField(blank=True, max_length=500, verbose_name="note"),
        ),
        migrations.AlterField(
            model_name="report",
            name="reason",
            field=models.CharField(
                choices=[
                    ("spam", "Spam or advertising"),
                    ("abuse", "Abusive or hateful"),
                    ("off_topic", "Off topic"),
                    ("other", "Something else"),
                ],
                max_length=16,
                verbose_name="reason",
            ),
        ),
        migrations.AlterField(
            model_name="report",
            name="reporter",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
                verbose_name="reporter",
            ),
        ),
        migrations.AlterField(
            model_name="report",
            name="reporter_key",
            field=models.CharField(max_length=80, verbose_name="reporter key"),
        ),
        migrations.AlterField(
            model_name="report",
            name="resolved_at",
            field=models.DateTimeField(
                blank=True, db_index=True, null=True, verbose_name="resolved at"
            ),
        ),
        migrations.AlterField(
            model_name="spammodel",
            name="n_labels",
            field=models.PositiveIntegerField(verbose_name="n labels"),
        ),
        migrations.AlterField(
            model_name="spammodel",
            name="notes",
            field=models.JSONField(blank=True, default=dict, verbose_name="notes"),
        ),
        migrations.AlterField(
            model_name="spammodel",
            name="parameters",
            field=models.BinaryField(verbose_name="parameters"),
        ),
        migrations.AlterField(
            model_name="spammodel",
            name="trained_at",
            field=models.DateTimeField(auto_now_add=True, db_index=True, verbose_name="trained at"),
        ),
        migrations.AlterField(
            model_name="spammodel",
            name="version",
            field=models.CharField(max_length=32, unique=True, verbose_name="version"),
        ),
        migrations.AlterField(
            model_name="spamverdict",
            name="acted",
            field=models.BooleanField(
                default=True, help_text="False in log-only mode.", verbose_name="acted"
            ),
        ),
        migrations.AlterField(
            model_name="spamverdict",
            name="comment",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.CASCADE,
                related_name="+",
                to="comments.comment",
                verbose_name="comment",
            ),
        ),
        migrations.AlterField(
            model_name="spamverdict",
            name="created_at",
            field=models.DateTimeField(auto_now_add=True, verbose_name="created at"),
        ),
        migrations.AlterField(
            model_name="spamverdict",
            name="decision",
            field=models.CharField(
                choices=[
                    ("pending", "Pending"),
                    ("published", "Published"),
                    ("held", "Held for a moderator"),
                    ("spam", "Spam"),
                    ("removed", "Removed"),
                    ("deleted", "Deleted by its author"),
                ],
                max_length=16,
                verbose_name="decision",
            ),
        ),
        migrations.AlterField(
            model_name="spamverdict",
            name="elapsed_ms",
            field=models.FloatField(
                blank=True,
                help_text="Time spent in the scorer; empty if it failed.",
                null=True,
                verbose_name="elapsed ms",
            ),
        ),
        migrations.AlterField(
            model_name="spamverdict",
            name="model_version",
            field=models.CharField(blank=True, max_length=32, verbose_name="model version"),
        ),
        migrations.AlterField(
            model_name="spamverdict",
            name="reasons",
            field=models.JSONField(default=list, verbose_name="reasons"),
        ),
        migrations.AlterField(
            model_name="spamverdict",
            name="score",
            field=models.FloatField(verbose_name="score"),
        ),
        migrations.AlterField(
            model_name="staffedit",
            name="action",
            field=models.CharField(
                choices=[("added", "Added"), ("changed", "Changed"), ("deleted", "Deleted")],
                max_length=8,
                verbose_name="action",
            ),
        ),
        migrations.AlterField(
            model_name="staffedit",
            name="actor",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
                verbose_name="actor",
            ),
        ),
        migrations.AlterField(
            model_name="staffedit",
            name="actor_label",
            field=models.CharField(max_length=150, verbose_name="actor label"),
        ),
        migrations.AlterField(
            model_name="staffedit",
            name="changes",
            field=models.JSONField(blank=True, default=list, verbose_name="changes"),
        ),
        migrations.AlterField(
            model_name="staffedit",
            name="created_at",
            field=models.DateTimeField(auto_now_add=True, db_index=True, verbose_name="created at"),
        ),
        migrations.AlterField(
            model_name="staffedit",
            name="model",
            field=models.CharField(max_length=100, verbose_name="model"),
        ),
        migrations.AlterField(
            model_name="staffedit",
            name="model_label",
            field=models.CharField(max_length=100, verbose_name="model label"),
        ),
        migrations.AlterField(
            model_name="staffedit",
            name="object_id",
            field=models.CharField(max_length=64, verbose_name="object id"),
        ),
        migrations.AlterField(
            model_name="staffedit",
            name="object_repr",
            field=models.CharField(max_length=200, verbose_name="object repr"),
        ),
        migrations.AlterField(
            model_name="trainingexample",
            name="comment",
            field=models.OneToOneField(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="+",
                to="comments.comment",
                verbose_name="comment",
            ),
        ),
        migrations.AlterField(
            model_name="trainingexample",
            name="created_at",
            field=models.DateTimeField(auto_now_add=True, verbose_name="created at"),
        ),
        migrations.AlterField(
            model_name="trainingexample",
            name="is_spam",
            field=models.BooleanField(verbose_name="is spam"),
        ),
        migrations.AlterField(
            model_name="trainingexample",
            name="source",
            field=models.CharField(
                choices=[("moderator", "Moderator decision"), ("import", "Imported file")],
                max_length=16,
                verbose_name="source",
            ),
        ),
        migrations.AlterField(
            model_name="trainingexample",
            name="text",
            field=models.TextField(verbose_name="text"),
        ),
        migrations.AlterField(
            model_name="trainingexample",
            name="updated_at",
            field=models.DateTimeField(auto_now=True, db_index=True, verbose_name="updated at"),
        ),
        migrations.AlterField(
            model_name="webhook",
            name="active",
            field=models.BooleanField(default=True, verbose_name="active"),
        ),
        migrations.AlterField(
            model_name="webhook",
            name="created_at",
            field=models.DateTimeField(auto_now_add=True, verbose_name="created at"),
        ),
        migrations.AlterField(
            model_name="webhook",
            name="created_by",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
                verbose_name="created by",
            ),
        ),
        migrations.AlterField(
            model_name="webhook",
            name="on_held",
            field=models.BooleanField(
                default=True, help_text="A comment is held for review.", verbose_name="on held"
            ),
        ),
        migrations.AlterField(
            model_name="webhook",
            name="on_published",
            field=models.BooleanField(
                default=False, help_text="A comment is published.", verbose_name="on published"
            ),
        ),
        migrations.AlterField(
            model_name="webhook",
            name="on_reported",
            field=models.BooleanField(
                default=True, help_text="A reader reports a comment.", verbose_name="on reported"
            ),
        ),
        migrations.AlterField(
            model_name="webhook",
            name="secret",
            field=models.CharField(
                default=moderation.models.webhooks._secret_new,
                editable=False,
                max_length=64,
                verbose_name="secret",
            ),
        ),
        migrations.AlterField(
            model_name="webhook",
            name="url",
            field=models.URLField(help_text="http or https.", max_length=500, verbose_name="url"),
        ),
        migrations.AlterField(
            model_name="webhookdelivery",
            name="attempts",
            field=models.PositiveSmallIntegerField(default=0, verbose_name="attempts"),
        ),
        migrations.AlterField(
            model_name="webhookdelivery",
            name="comment_id",
            field=models.PositiveBigIntegerField(verbose_name="comment id"),
        ),
        migrations.AlterField(
            model_name="webhookdelivery",
            name="created_at",
            field=models.DateTimeField(auto_now_add=True, db_index=True, verbose_name="created at"),
        ),
        migrations.AlterField(
            model_name="webhookdelivery",
            name="duration_ms",
            field=models.FloatField(blank=True, null=True, verbose_name="duration ms"),
        ),
        migrations.AlterField(
            model_name="webhookdelivery",
            name="error",
            field=models.CharField(blank=True, max_length=500, verbose_name="error"),
        ),
        migrations.AlterField(
            model_name="webhookdelivery",
            name="event",
            field=models.CharField(
                choices=[
                    ("held", "Comment held"),
                    ("reported", "Comment reported"),
                    ("published", "Comment published"),
                ],
                max_length=16,
                verbose_name="event",
            ),
        ),
        migrations.AlterField(
            model_name="webhookdelivery",
            name="finished_at",
            field=models.DateTimeField(blank=True, null=True, verbose_name="finished at"),
        ),
        migrations.AlterField(
            model_name="webhookdelivery",
            name="next_attempt_at",
            field=models.DateTimeField(verbose_name="next attempt at"),
        ),
        migrations.AlterField(
            model_name="webhookdelivery",
            name="payload",
            field=models.JSONField(verbose_name="payload"),
        ),
        migrations.AlterField(
            model_name="webhookdelivery",
            name="response_status",
            field=models.PositiveSmallIntegerField(
                blank=True, null=True, verbose_name="response status"
            ),
        ),
        migrations.AlterField(
            model_name="webhookdelivery",
            name="status",
            field=models.CharField(
                choices=[("pending", "Pending"), ("succeeded", "Delivered"), ("failed", "Failed")],
                db_index=True,
                default="pending",
                max_length=16,
                verbose_name="status",
            ),
        ),
        migrations.AlterField(
            model_name="webhookdelivery",
            name="webhook",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.CASCADE,
                related_name="deliveries",
                to="moderation.webhook",
                verbose_name="webhook",
            ),
        ),
    ]
