from transfer.cli import ImportCommand
from transfer.models import Format


class Command(ImportCommand):
    help = "Import a Disqus XML export (threads and their comments)."
    format = Format.DISQUS
