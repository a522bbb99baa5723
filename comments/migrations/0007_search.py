# Placeholder filled in by the change that needs it: full-text search of comments
from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("comments", "0006_drop_bidi_controls")]

    operations = []
