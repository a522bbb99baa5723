# Nothing looks a record up by the row it made (kind, object_id), and every imported
# comment paid for keeping that index.
from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("transfer", "0002_verbose_names")]

    operations = [
        migrations.RemoveIndex(model_name="sourcerecord", name="source_record_object"),
    ]
