from django.apps import AppConfig


class TransferConfig(AppConfig):
    name = "transfer"
    verbose_name = "Import and export"
    default_auto_field = "django.db.models.BigAutoField"
