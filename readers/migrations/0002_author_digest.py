# Placeholder filled in by the change that needs it: authors' comment digest
from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("readers", "0001_initial")]

    operations = []
