from transfer.cli import ImportCommand
from transfer.models import Format


class Command(ImportCommand):
    help = "Import a WordPress WXR export (posts and their comments)."
    format = Format.WORDPRESS
