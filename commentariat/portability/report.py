"""What an import did, for the summary printed at its end."""

import re
from collections import Counter
from dataclasses import dataclass, field


@dataclass
class ImportReport:
    counts: Counter = field(default_factory=Counter)
    skipped: list[tuple[str, str]] = field(default_factory=list)

    def count(self, what: str, n: int = 1) -> None:
        self.counts[what] += n

    def skip(self, what: str, reason: str) -> None:
        self.skipped.append((what, reason))

    def lines(self) -> list[str]:
        lines = [self.totals()]
        lines += [f"{what:<32} {n:>10,}" for what, n in sorted(self.counts.items())]
        if self.skipped:
            # Reasons shared by several items first, counted; then every item with its own.
            repeated = [(r, n) for r, n in Counter(r for _, r in self.skipped).most_common(20) if n > 1]
            if repeated:
                lines.append("Skipped most often, because:")
                lines.extend(f"  {n:>8,} × {reason}" for reason, n in repeated)
            lines.append(f"Skipped {len(self.skipped):,} item(s):")
            lines.extend(f"  {what}: {reason}" for what, reason in self.skipped[:200])
            if len(self.skipped) > 200:
                lines.append(f"  … and {len(self.skipped) - 200:,} more")
        return lines

    def totals(self) -> str:
        """One line: how many things were created, updated, found unchanged and skipped."""
        updated = sum(n for what, n in self.counts.items() if what.endswith(" updated"))
        unchanged = sum(n for what, n in self.counts.items() if what.endswith(" unchanged"))
        created = sum(n for what, n in self.counts.items() if _is_new(what))
        return f"Created {created:,}, updated {updated:,}, unchanged {unchanged:,}, skipped {len(self.skipped):,}."


def _is_new(what: str) -> bool:
    """New comments are counted by the status they came in with ("comments approved")."""
    if what.endswith(" created") or what in ("pingbacks", "trackbacks"):
        return True
    return what.startswith("comments ") and not what.endswith((" updated", " unchanged"))


def xml_error_message(file, what: str, error) -> str:
    """ "FILE is not a well-formed WHAT: REASON (line L, column C). Nothing was imported." """
    line, column = error.position
    reason = re.sub(r", line \d+, column \d+$", "", error.msg)
    if line == 0:
        return f"{file} holds no XML element ({reason}): it is empty. Nothing was imported."
    return (
        f"{file} is not a well-formed {what}: {reason} (line {line}, column {column}). Nothing was imported."
    )
