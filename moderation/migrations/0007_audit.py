# Placeholder filled in by the change that needs it: audit of admin edits and rule changes
from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("moderation", "0006_reports_notes")]

    operations = []
