# Placeholder filled in by the change that needs it: webhooks and their delivery log
from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("moderation", "0007_audit")]

    operations = []
