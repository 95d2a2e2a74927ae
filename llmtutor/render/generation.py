"""What `llmtutor generate` draws: each step's most probable next tokens as bars, the one picked marked.

Computing nothing: the CLI hands over token texts and probabilities. A bar's full length is
probability 1, so a flat distribution (high temperature) looks flat and a sure one looks long.
"""

from __future__ import annotations

from rich.cells import cell_len
from rich.console import Console, ConsoleOptions, Group, RenderResult
from rich.text import Text

from llmtutor.render import theme
from llmtutor.render.arrays import EIGHTHS
from llmtutor.render.cells import clean_token, fit_cells
from llmtutor.render.wrap import Paragraph

LABEL_WIDTH = 10  # cells of a token label, the same at every step so the bars line up; longer ones end in …
BAR_CAP = 40  # cells of a bar at probability 1


def token_label(text: str) -> str:
    """A token as a label: spaces as ␣ (a token often starts with one), control characters as pictures."""
    return clean_token(text).replace(" ", "␣")


class StepBars:
    """One step: the candidates (token text, probability), most probable first, and which one was picked.

    `picked` is an index into `candidates`, or None when the token drawn is not among them; it is
    then shown on a row of its own under the others.
    """

    def __init__(self, number: int, candidates: list[tuple[str, float]], picked: int | None,
                 picked_token: tuple[str, float], picked_mark: str, heading: str) -> None:
        self.number, self.candidates, self.picked = number, candidates, picked
        self.picked_token, self.picked_mark, self.heading = picked_token, picked_mark, heading

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        width = options.max_width
        rows = [(token_label(text), p, index == self.picked) for index, (text, p) in enumerate(self.candidates)]
        if self.picked is None:
            rows.append((token_label(self.picked_token[0]), self.picked_token[1], True))
        label_w = max(LABEL_WIDTH, min(width // 4, max(cell_len(label) for label, _, _ in rows))) \
            if width >= 60 else min(LABEL_WIDTH, max(cell_len(label) for label, _, _ in rows))
        mark = " ◀ " + self.picked_mark if width >= 45 else " ◀"
        room = max(4, min(BAR_CAP, width - label_w - 11 - cell_len(mark)))  # 11: margin, gap, " 100.0 %"
        yield Text(self.heading, style=theme.TITLE, no_wrap=True, overflow="ellipsis")
        for position, (label, probability, picked) in enumerate(rows):
            if self.picked is None and position == len(rows) - 1:
                yield Text(" " * (label_w + 2) + "⋮", style=theme.MUTED)
            eighths = int(round(min(max(probability, 0.0), 1.0) * room * 8))
            if options.ascii_only:
                bar = "#" * max(eighths // 8, 1 if probability > 0 else 0)
            else:
                bar = "█" * (eighths // 8) + (EIGHTHS[eighths % 8 - 1] if eighths % 8 else "")
                bar = bar or ("▏" if probability > 0 else "")
            line = Text("  " + fit_cells(label, label_w, "right") + " ", no_wrap=True, overflow="crop",
                        style=theme.GOOD if picked else "")
            line.append(bar.ljust(room), style=theme.GOOD if picked else theme.ACCENT)
            line.append(f" {probability * 100:5.1f} %")
            if picked:
                line.append(mark, style=theme.GOOD)
            yield line


def whole_text(heading: str, prompt: str, written: str) -> Group:
    """The prompt, then what the model wrote (highlighted), wrapped as a paragraph."""
    body = Text(clean_text(prompt))
    body.append(clean_text(written), style=theme.ACCENT)
    return Group(Text(heading, style=theme.TITLE), Paragraph(body))


def clean_text(text: str) -> str:
    """Text with control characters (other than newlines) as their pictures; spaces kept."""
    return "\n".join(clean_token(line) if line.strip() else line for line in text.split("\n"))
