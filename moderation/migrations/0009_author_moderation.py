# Authors moderating the comments on their own articles (off unless the rules say so)
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("moderation", "0008_webhooks")]

    operations = [
        migrations.AddField(
            model_name="moderationrules",
            name="authors_moderate_own_articles",
            field=models.BooleanField(
                default=False,
                help_text="An article's authors may approve, mark spam or remove the comments on "
                "their own articles, from the article's page. Banning stays with moderators.",
            ),
        ),
    ]
