from transfer.cli import ImportCommand
from transfer.models import Format


class Command(ImportCommand):
    help = "Import a Parley JSON backup (users, articles, updates, comments)."
    format = Format.JSON
