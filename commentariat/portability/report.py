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
        lines = [f"{what:<32} {n:>10,}" for what, n in sorted(self.counts.items())]
        if self.skipped:
            lines.append(f"Skipped {len(self.skipped):,} item(s):")
            lines.extend(f"  {what}: {reason}" for what, reason in self.skipped[:200])
            if len(self.skipped) > 200:
                lines.append(f"  … and {len(self.skipped) - 200:,} more")
        return lines


def xml_error_message(file, what: str, error) -> str:
    """ "FILE is not a well-formed WHAT: REASON (line L, column C). Nothing was imported." """
    line, column = error.position
    reason = re.sub(r", line \d+, column \d+$", "", error.msg)
    return (
        f"{file} is not a well-formed {what}: {reason} (line {line}, column {column}). Nothing was imported."
    )
