from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("moderation", "0003_bans")]

    operations = [
        migrations.RenameField(
            model_name="moderationrules",
            old_name="min_labels_for_model",
            new_name="site_model_half_labels",
        ),
        migrations.AlterField(
            model_name="moderationrules",
            name="site_model_half_labels",
            field=models.PositiveIntegerField(
                default=200,
                help_text="Labelled decisions at which the site's own model weighs as much as "
                "the starter model it ships with; below, the starter weighs more, above, the "
                "site's.",
            ),
        ),
    ]
