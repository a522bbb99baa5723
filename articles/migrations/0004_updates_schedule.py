# Placeholder filled in by the change that needs it: corrected and withdrawn updates, scheduled publication
from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("articles", "0003_comment_count")]

    operations = []
