from transfer.cli import ExportCommand


class Command(ExportCommand):
    help = "Export every article and comment as a Disqus XML file."

    def add_arguments(self, parser):
        super().add_arguments(parser)
        parser.add_argument(
            "--forum", default="parley", help="The Disqus forum shortname to write."
        )

    def handle(self, *args, **options):
        self.forum = options["forum"]
        return super().handle(*args, **options)

    def export(self, out, *, site_url):
        from transfer.disqus_writer import disqus_export

        return disqus_export(out=out, site_url=site_url, forum=self.forum)
