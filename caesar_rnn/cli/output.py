"""Tables on stdout: drawn by Rich on a terminal, plain aligned text (no boxes, no colour, no
wrapping at the terminal's width) when stdout is a pipe or a file."""

from __future__ import annotations

from dataclasses import dataclass, field

from caesar_rnn.cli import common


@dataclass
class Table:
    title: str
    columns: list[str]
    right: set[str] = field(default_factory=set)  # columns aligned right
    caption: str | None = None
    rows: list[list[str]] = field(default_factory=list)
    sections: list[int] = field(default_factory=list)  # a rule before these rows (terminal)

    def add(self, *cells: str) -> None:
        self.rows.append(list(cells))

    def section(self) -> None:
        self.sections.append(len(self.rows))

    def print(self) -> None:
        if common.stdout_is_terminal():
            self._rich()
        else:
            print(self.plain(), flush=True)

    def plain(self) -> str:
        """Title, header, rows and caption as aligned text, columns two spaces apart."""
        lines = [self.columns, *self.rows]
        widths = [max(len(line[i]) for line in lines) for i in range(len(self.columns))]
        out = [self.title]
        for line in lines:
            cells = [
                c.rjust(w) if name in self.right else c.ljust(w)
                for c, w, name in zip(line, widths, self.columns, strict=True)
            ]
            out.append("  ".join(cells).rstrip())
        if self.caption:
            out.append(self.caption)
        return "\n".join(out) + "\n"

    def _rich(self) -> None:
        from rich.console import Console
        from rich.markup import escape
        from rich.table import Table as RichTable

        table = RichTable(title=escape(self.title), caption=self.caption)
        for name in self.columns:
            table.add_column(name, justify="right" if name in self.right else "left")
        for i, row in enumerate(self.rows):
            if i in self.sections:
                table.add_section()
            table.add_row(*map(escape, row))
        Console(highlight=False).print(table)
