# Placeholder filled in by the change that needs it: editor's picks
from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("comments", "0007_search")]

    operations = []
