"""The one error type for bad input: it always says where (file or request, row, column)."""

from __future__ import annotations

from typing import NamedTuple

MAX_LISTED = 10


class Problem(NamedTuple):
    """One thing wrong with an input; `row` None means the whole input (its envelope or header).

    `unit` says what `row` counts: "row" (1-based among the data rows of a response) or "line"
    (the line of a file as an editor shows it, header included).
    """

    row: int | None
    column: str | None
    message: str
    unit: str = "row"

    def __str__(self) -> str:
        where = []
        if self.row is not None:
            where.append(f"{self.unit} {self.row}")
        if self.column is not None:
            where.append(f"column {self.column!r}")
        return f"{', '.join(where)}: {self.message}" if where else self.message


class InputError(ValueError):
    """Bad input from `source` (a file path or a request), with every problem found in it."""

    def __init__(self, source: str, problems: list[Problem]):
        if not problems:
            raise ValueError("InputError needs at least one problem")
        self.source = source
        self.problems = problems
        listed = "; ".join(str(p) for p in problems[:MAX_LISTED])
        more = f" (and {len(problems) - MAX_LISTED} more)" if len(problems) > MAX_LISTED else ""
        super().__init__(f"{source}: {listed}{more}")

    @classmethod
    def single(cls, source: str, message: str, row: int | None = None, column: str | None = None):
        return cls(source, [Problem(row, column, message)])

    def in_file(self, source: str, first_line: int | None) -> InputError:
        """The same problems named by `source` (the file as the user gave it), data rows as its lines.

        `first_line` is the file line of data row 1 (None for a JSON body, whose rows stay rows).
        """
        if first_line is None:
            return InputError(source, self.problems)
        lines = [
            p._replace(row=first_line + p.row - 1, unit="line") if p.unit == "row" and p.row else p
            for p in self.problems
        ]
        return InputError(source, lines)
