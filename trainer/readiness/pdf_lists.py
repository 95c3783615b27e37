"""Long lists of people in the readiness PDF, drawn straight on the canvas.

A report on a whole force lists thousands of people. ReportLab's Table measures every cell, splits at
each page break by measuring the remaining rows again, and draws each cell line through the canvas'
general string path; with a Paragraph or a style per cell that took most of the report's time. Here
each cell is wrapped to its column once (identical wordings, such as a gap shared by thousands, once in
all), every row height is known up front, a page break is a binary search over the running heights, and
a page is one text object plus one set of grid lines. Pure module: imports neither Flask nor the database.
"""
from __future__ import annotations

import copy
from bisect import bisect_right
from itertools import accumulate

from reportlab.lib import colors
from reportlab.lib.utils import simpleSplit
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import Flowable

from trainer.pdf.reportlab_adapter import forget_postponed, show_text_operator, text_operators, was_postponed

FONT, BOLD, SIZE, LEADING = "Helvetica", "Helvetica-Bold", 8, 10
PAD_X, PAD_Y = 6, 3
HEADING_SIZE, HEADING_LEADING, HEADING_BEFORE, HEADING_AFTER = 11, 13, 8, 4
HEADER_FILL = colors.HexColor("#e9ecef")
GRID = colors.grey
MIN_ROWS = 3  # a heading and header never end a page alone: at least this many one-line rows' height follows
MAX_LINES = 50  # a taller row (a person missing dozens of requirements) continues in a row repeating the first cell
REMEMBERED = 5000  # distinct texts kept wrapped or encoded: names are mostly distinct, so a bound keeps memory flat
PLACES = 20000  # distinct places of a line on a page kept (a few thousand: the bound is only a safety net)

Cell = tuple[str, ...]  # the lines of one cell, already wrapped to its column


class CellWrapper:
    """Text wrapped to a column's width, as lines, the way ReportLab's simpleSplit does it (greedy, at
    spaces); each distinct (text, width) is wrapped once and each distinct word measured once. `shown`
    keeps each distinct line's PDF operator for the tables of one report (see _draw_cells)."""

    def __init__(self):
        self._done: dict[tuple[str, float], Cell] = {}
        self._word_widths: dict[str, float] = {}
        self._space = stringWidth(" ", FONT, SIZE)
        self.shown: dict[str, str] = {}

    def __call__(self, text: str, width: float) -> Cell:
        lines = self._done.get((text, width))
        if lines is None:
            if len(self._done) >= REMEMBERED:
                self._done.clear()
            room = width - 2 * PAD_X
            if text.isprintable() and "  " not in text and text == text.strip() and \
                    stringWidth(text, FONT, SIZE) < room - 0.001:
                lines = (text,)  # one line (most names and codes): measured whole, not word by word
            else:
                lines = tuple(wrapped for line in text.split("\n") for wrapped in self._split(line, room))
            self._done[(text, width)] = lines
        return lines

    def _split(self, line: str, room: float) -> Cell:
        widths, space = self._word_widths, self._space
        lines, words, used = [], [], -space
        for word in line.split():
            width = widths.get(word)
            if width is None:
                width = widths[word] = stringWidth(word, FONT, SIZE)
            if used + space + width <= room or not words:
                words.append(word)
                used = used + space + width  # summed in simpleSplit's order, so lines break where it breaks them
            else:
                lines.append(" ".join(words))
                words, used = [word], width
        if words:
            lines.append(" ".join(words))
        return tuple(lines) or ("",)


def row_height(row) -> float:
    return 2 * PAD_Y + LEADING * max(len(cell) for cell in row)


def _fitting(row: tuple[Cell, ...]) -> list[tuple[Cell, ...]]:
    """The row, or pieces of at most MAX_LINES lines each (so that every piece fits on a page)."""
    tallest = max(len(cell) for cell in row)
    if tallest <= MAX_LINES:
        return [row]
    return [tuple(cell if column == 0 and start else cell[start:start + MAX_LINES] for column, cell in enumerate(row))
            for start in range(0, tallest, MAX_LINES)]


class ListTable(Flowable):
    """A heading, a header row and rows of plain text in a grid; split at page breaks, where the part on
    the next page starts with the continued heading and the header again."""

    def __init__(self, widths: list[float], header: list[str], rows: list[tuple[Cell, ...]], *,
                 heading: str = "", continued: str | None = None, shown: dict[str, str] | None = None):
        super().__init__()
        self.shown = {} if shown is None else shown  # line -> its PDF operator in FONT at SIZE
        self.widths = list(widths)
        self.x_starts = [0.0, *accumulate(self.widths)][:-1]
        self.header = tuple((text,) for text in header)
        self.rows = [piece for row in rows for piece in _fitting(row)]
        self.tops = [0.0, *accumulate(row_height(row) for row in self.rows)]  # tops[i]: height of rows[:i]
        self.start, self.end = 0, len(self.rows)
        self.heading = heading
        self.continued = continued if continued is not None else (f"{heading} (continued)" if heading else "")
        self._heading_lines: list[str] = []
        self._heading_for: tuple[str, float] | None = None

    def _part(self, start: int, end: int, heading: str) -> "ListTable":
        part = copy.copy(self)
        forget_postponed(part)  # the part is new to platypus: it has not been moved yet
        part.start, part.end, part.heading = start, end, heading
        return part

    def _top_height(self) -> float:
        heading = (HEADING_BEFORE + HEADING_LEADING * len(self._heading_lines) + HEADING_AFTER
                   if self._heading_lines else 0)
        return heading + (row_height(self.header) if self.end > self.start else 0)

    def wrap(self, avail_width, avail_height):
        if self._heading_for != (self.heading, avail_width):  # platypus wraps a flowable several times a page
            self._heading_for = (self.heading, avail_width)
            self._heading_lines = simpleSplit(self.heading, BOLD, HEADING_SIZE, avail_width) if self.heading else []
        self.width = avail_width
        self.height = self._top_height() + self.tops[self.end] - self.tops[self.start]
        return self.width, self.height

    def split(self, avail_width, avail_height):
        self.wrap(avail_width, avail_height)
        limit = self.tops[self.start] + avail_height - self._top_height()
        end = max(self.start, bisect_right(self.tops, limit + 1e-6, self.start, self.end + 1) - 1)
        # Too little of the list for this page (under MIN_ROWS one-line rows' height, or not one row): the part
        # moves on, unless it has moved once already (platypus marks that), when whatever fits is taken.
        rows_height = self.tops[end] - self.tops[self.start]
        orphan = min(MIN_ROWS * (2 * PAD_Y + LEADING), self.tops[self.end] - self.tops[self.start])
        if end == self.start or (rows_height < orphan and not was_postponed(self)):
            return []
        if end >= self.end:
            return [self]
        return [self._part(self.start, end, self.heading), self._part(end, self.end, self.continued)]

    def draw(self):
        canv = self.canv
        text = canv.beginText()
        y = self.height
        if self._heading_lines:
            text.setFont(BOLD, HEADING_SIZE)
            y -= HEADING_BEFORE
            for line in self._heading_lines:
                text.setTextOrigin(0, y - HEADING_SIZE)
                text.textOut(line)
                y -= HEADING_LEADING
            y -= HEADING_AFTER
        if self.end == self.start:
            canv.drawText(text)
            return
        table_top, x_starts = y, self.x_starts
        header_height = row_height(self.header)
        canv.setFillColor(HEADER_FILL)
        canv.rect(0, y - header_height, sum(self.widths), header_height, stroke=0, fill=1)
        canv.setFillColor(colors.black)
        text.setFont(BOLD, SIZE)
        _draw_cells(text, x_starts, self.header, y, {})
        y -= header_height
        rules = [table_top, y]
        text.setFont(FONT, SIZE)
        tops, shown = self.tops, self.shown
        for index in range(self.start, self.end):
            _draw_cells(text, x_starts, self.rows[index], y, shown)
            y -= tops[index + 1] - tops[index]
            rules.append(y)
        canv.drawText(text)
        right = sum(self.widths)
        canv.setStrokeColor(GRID)
        canv.setLineWidth(0.25)
        canv.lines([(0, r, right, r) for r in rules] + [(x, table_top, x, y) for x in (*x_starts, right)])


def _draw_cells(text, x_starts, row, top, shown: dict[str, str]):
    """Each line placed with an absolute text matrix and its text-showing operator from `shown`, made once
    per distinct line by ReportLab's own encoder (with its fallback fonts for characters Helvetica lacks).
    textOut would measure every string to advance a cursor nobody uses and encode it again each time, and
    a report repeats the same wordings (gaps, ranks, units, dates) tens of thousands of times."""
    code = text_operators(text)
    for x, lines in zip(x_starts, row):
        line_y = top - PAD_Y - SIZE
        for line in lines:
            if line:
                operator = shown.get(line)
                if operator is None:
                    if len(shown) >= REMEMBERED:
                        shown.clear()
                    operator = shown[line] = show_text_operator(text, line)
                matrix = _MATRICES.get((x, line_y))
                if matrix is None:  # the same few thousand places on every page
                    if len(_MATRICES) >= PLACES:
                        _MATRICES.clear()
                    matrix = _MATRICES[(x, line_y)] = f"1 0 0 1 {x + PAD_X:.2f} {line_y:.2f} Tm "
                code.append(matrix + operator)
            line_y -= LEADING


_MATRICES: dict[tuple[float, float], str] = {}  # (column, line) -> the text matrix placing a line there


class StreamedListTable(ListTable):
    """A ListTable whose rows are read from an iterator as the pages fill: only the rows of the page being laid out
    (and of the next) are held, so a list of a hundred thousand people takes no more memory than one of a hundred.
    The part laid out on a page is a plain ListTable; the rest keeps reading the same iterator."""

    def __init__(self, widths: list[float], header: list[str], rows, *, heading: str = "",
                 continued: str | None = None, shown: dict[str, str] | None = None, _buffered=()):
        super().__init__(widths, header, list(_buffered), heading=heading, continued=continued, shown=shown)
        self._header_texts = list(header)
        self._source = iter(rows)
        self._done = False

    def _fill(self, height: float) -> None:
        """Read rows until those held are taller than `height` (and one more), or the iterator ends."""
        while not self._done and self.tops[self.end] - self.tops[self.start] <= height + LEADING:
            try:
                row = next(self._source)
            except StopIteration:
                self._done = True
                break
            for piece in _fitting(row):
                self.rows.append(piece)
                self.tops.append(self.tops[-1] + row_height(piece))
            self.end = len(self.rows)

    def wrap(self, avail_width, avail_height):
        self._fill(avail_height)
        width, height = super().wrap(avail_width, avail_height)
        if not self._done:  # more rows to come: never fits where it is, so platypus asks for a split
            self.height = height = max(height, avail_height + 1)
        return width, height

    def split(self, avail_width, avail_height):
        self._fill(avail_height)
        if self._done:
            return super().split(avail_width, avail_height)
        ListTable.wrap(self, avail_width, avail_height)
        limit = self.tops[self.start] + avail_height - self._top_height()
        end = max(self.start, bisect_right(self.tops, limit + 1e-6, self.start, self.end + 1) - 1)
        orphan = MIN_ROWS * (2 * PAD_Y + LEADING)
        if end == self.start or (self.tops[end] - self.tops[self.start] < orphan
                                 and not was_postponed(self)):
            return []
        page = ListTable(self.widths, self._header_texts, self.rows[self.start:end], heading=self.heading,
                         continued=self.continued, shown=self.shown)
        rest = StreamedListTable(self.widths, self._header_texts, self._source, heading=self.continued,
                                 continued=self.continued, shown=self.shown, _buffered=self.rows[end:self.end])
        return [page, rest]
