"""What an import did, counted as it goes, and said in plain words."""

from dataclasses import dataclass, field

# A file with thousands of problems keeps the first of them; the count stays exact.
WARNINGS_KEPT = 200


@dataclass
class ImportReport:
    dry_run: bool = False
    # An earlier run that read the very same file: nothing was read this time.
    same_file_as_run: int | None = None
    users: dict[str, int] = field(default_factory=dict)  # created / matched / imported
    articles: dict[str, int] = field(default_factory=dict)  # created / matched / imported
    updates_added: int = 0
    comments_added: dict[str, int] = field(default_factory=dict)  # by status
    comments_already_imported: int = 0
    skipped: dict[str, int] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)
    warnings_total: int = 0
    seconds: float = 0.0

    def count(self, counts: dict[str, int], key: str, n: int = 1) -> None:
        counts[key] = counts.get(key, 0) + n

    def warn(self, message: str) -> None:
        self.warnings_total += 1
        if len(self.warnings) < WARNINGS_KEPT:
            self.warnings.append(message)

    @property
    def comments_total(self) -> int:
        return sum(self.comments_added.values())

    def as_dict(self) -> dict:
        return {
            "dry_run": self.dry_run, "same_file_as_run": self.same_file_as_run,
            "users": self.users, "articles": self.articles, "updates_added": self.updates_added,
            "comments_added": self.comments_added,
            "comments_already_imported": self.comments_already_imported,
            "skipped": self.skipped, "warnings": self.warnings,
            "warnings_total": self.warnings_total, "seconds": round(self.seconds, 2),
        }  # fmt: skip

    def lines(self) -> list[str]:
        """The report as a person reads it: what happened, or would have."""
        if self.same_file_as_run is not None:
            return [
                f"This file was imported already (import {self.same_file_as_run}); nothing "
                "was read or changed. Use --force to read it again."
            ]
        would = "would be " if self.dry_run else ""
        lines = ["Dry run: nothing was stored." if self.dry_run else "Import finished."]
        for noun, counts in (("Users", self.users), ("Articles", self.articles)):
            if counts:
                parts = ", ".join(f"{n} {would}{how}" for how, n in sorted(counts.items()))
                lines.append(f"{noun}: {parts}.")
        if self.updates_added:
            lines.append(f"Updates: {self.updates_added} {would}added.")
        by_status = ", ".join(f"{n} {status}" for status, n in sorted(self.comments_added.items()))
        lines.append(
            f"Comments: {self.comments_total} {would}added"
            + (f" ({by_status})" if by_status else "")
            + f"; {self.comments_already_imported} already imported."
        )
        if self.skipped:
            parts = ", ".join(f"{n} {what}" for what, n in sorted(self.skipped.items()))
            lines.append(f"Skipped: {parts}.")
        if self.warnings_total:
            lines.append(f"Warnings: {self.warnings_total}.")
            lines += [f"  - {warning}" for warning in self.warnings]
            if self.warnings_total > len(self.warnings):
                lines.append(f"  … and {self.warnings_total - len(self.warnings)} more.")
        lines.append(f"Took {self.seconds:.1f} s.")
        return lines
