# Placeholder filled in by the change that needs it: authors moderating their own articles
from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("moderation", "0008_webhooks")]

    operations = []
