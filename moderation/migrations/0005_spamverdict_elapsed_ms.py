from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("moderation", "0004_site_model_blend")]

    operations = [
        migrations.AddField(
            model_name="spamverdict",
            name="elapsed_ms",
            field=models.FloatField(
                blank=True, help_text="Time spent in the scorer; empty if it failed.", null=True
            ),
        ),
    ]
