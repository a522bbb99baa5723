import zoneinfo

from django.conf import settings

from transfer.cli import ExportCommand


class Command(ExportCommand):
    help = "Export every article and comment as a WordPress WXR 1.2 file."

    def add_arguments(self, parser):
        super().add_arguments(parser)
        parser.add_argument("--title", default="Parley", help="The site's title in the file.")

    def handle(self, *args, **options):
        self.title = options["title"]
        return super().handle(*args, **options)

    def export(self, out, *, site_url):
        from transfer.wxr_writer import wordpress_export

        return wordpress_export(
            out=out, site_url=site_url, site_title=self.title,
            site_timezone=zoneinfo.ZoneInfo(settings.TIME_ZONE),
        )  # fmt: skip
