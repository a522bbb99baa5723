from transfer.cli import ExportCommand


class Command(ExportCommand):
    help = (
        "Export everything (users without passwords, articles, updates, comments) as one "
        "JSON backup that import_json reads back."
    )

    def export(self, out, *, site_url):
        from transfer.json_backup import json_export

        return json_export(out=out, site_url=site_url)
