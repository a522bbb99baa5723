"""Train the spam model on moderators' decisions, optionally importing a labelled CSV first;
or, with --starter, rebuild the starter model shipped in the package from labelled files."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from ...services import spam_model_train, training_import_csv
from ...starter import STARTER_FILE


class Command(BaseCommand):
    help = "Train (and activate) the spam model; --from-csv imports labelled examples first."

    def add_arguments(self, parser):
        parser.add_argument("--from-csv", type=Path, help="A CSV file of labelled comments.")
        parser.add_argument("--text-column", default="text")
        parser.add_argument("--label-column", default="label")
        parser.add_argument(
            "--spam-label",
            action="append",
            dest="spam_labels",
            help="A label value that means spam (repeatable; default: 1 and spam).",
        )
        parser.add_argument(
            "--force", action="store_true", help="Train even if no label changed since."
        )
        parser.add_argument(
            "--starter",
            nargs="+",
            type=Path,
            metavar="CSV",
            help="Rebuild the starter model from these files (columns CONTENT and CLASS, as in "
            "the YouTube spam collection) instead of training the site's model.",
        )
        parser.add_argument(
            "--output",
            type=Path,
            default=STARTER_FILE,
            help=f"Where --starter writes the model (default: {STARTER_FILE.name} in the package).",
        )

    def handle(self, *args, from_csv, text_column, label_column, spam_labels, force, **options):
        if options["starter"]:
            self._starter_build(options["starter"], options["output"])
            return
        if from_csv:
            if not from_csv.is_file():
                raise CommandError(f"{from_csv} is not a file.")
            try:
                added = training_import_csv(
                    path=from_csv,
                    text_column=text_column,
                    label_column=label_column,
                    spam_labels=spam_labels or ("1", "spam"),
                )
            except (ValueError, UnicodeDecodeError) as error:
                raise CommandError(str(error)) from error
            self.stdout.write(f"Imported {added} labelled examples from {from_csv}.")
            force = True
        bar = tqdm(total=1, unit="step", disable=None, file=self.stderr)

        def progress(step: int, total: int, message: str) -> None:
            bar.total = total
            bar.n = step
            bar.set_description(message)
            bar.refresh()

        model = spam_model_train(progress=progress, force=force)
        bar.close()
        if model is None:
            self.stdout.write("Nothing to train: no new labels, or only one class labelled.")
            return
        self.stdout.write(
            self.style.SUCCESS(f"Trained spam model {model.version} on {model.n_labels} labels.")
        )

    def _starter_build(self, paths: list[Path], output: Path) -> None:
        from ...starter import starter_model_build

        missing = [str(path) for path in paths if not path.is_file()]
        if missing:
            raise CommandError(f"No such file: {', '.join(missing)}")
        try:
            model = starter_model_build(paths)
        except (ValueError, UnicodeDecodeError) as error:
            raise CommandError(str(error)) from error
        output.write_bytes(model.to_bytes())
        cv = model.notes["cv"]
        figures = (
            f"; held-out F1 {cv['f1']:.3f}, precision {cv['precision']:.3f}, recall "
            f"{cv['recall']:.3f} over {cv['folds']} folds"
            if cv
            else ""
        )
        self.stdout.write(
            self.style.SUCCESS(
                f"Starter model {model.version} ({model.n_labels} labels) written to {output}"
                f"{figures}."
            )
        )
