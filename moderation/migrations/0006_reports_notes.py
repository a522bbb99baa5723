# Placeholder filled in by the change that needs it: dismissable reports, notes on commenters
from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("moderation", "0005_spamverdict_elapsed_ms")]

    operations = []
