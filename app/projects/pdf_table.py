"""The 旬报's PDF table (app/projects/report.py period_pdf), drawn straight on the canvas as
the plan report's 界址点 table; imported when a PDF is made (ReportLab is not loaded with
the app)."""

from __future__ import annotations

import re

from reportlab.lib import colors
from reportlab.pdfbase import pdfmetrics

from ..exporters.report import HEADER_BG, PointTable

# a run of spaces, a word of Latin letters and digits, or one other character (a Chinese one)
_TOKENS = re.compile(r"\s+|[\w.,:;+\-%()/]+|.", re.ASCII | re.DOTALL)


class ReportTable(PointTable):
    """The 旬报's table drawn straight on the canvas, as the plan report's 界址点 table
    (PointTable: its cell placement, colours and canvas drawing; ReportLab's Table of
    Paragraph cells took 27 s for 2 400 projects). Cells wrap to their column (Chinese text
    has no spaces: between characters, words kept whole otherwise), a row is as tall as its
    longest cell; split between rows, the heading repeated on every page."""

    SIZE, LEADING, PAD = 6.5, 7.8, 2.0

    def __init__(self, header: list[str], rows: list[list[str]], widths: list[float],
                 font: str, right: set[int], lines: list | None = None):
        super().__init__("", header, rows, None, font)
        self.widths, self.right = widths, right
        self.edges = [sum(widths[:i]) for i in range(len(widths) + 1)]
        self.head = [self._wrap(h, c) for c, h in enumerate(header)]
        self.lines = lines if lines is not None else [
            [self._wrap(v, c) for c, v in enumerate(row)] for row in rows]

    def _wrap(self, text: str, col: int) -> list[str]:
        if not text:
            return []
        room = self.edges[col + 1] - self.edges[col] - 2 * self.PAD
        if pdfmetrics.stringWidth(text, self.font, self.SIZE) <= room:
            return [text]
        lines, line = [], ""
        for token in _TOKENS.findall(text):
            if line and pdfmetrics.stringWidth(line + token, self.font, self.SIZE) > room:
                lines.append(line.rstrip())
                line = token.lstrip()
            else:
                line += token
        return [*lines, line] if line else lines

    def _height(self, cells: list[list[str]]) -> float:
        return max(1, *map(len, cells)) * self.LEADING + 2 * self.PAD

    def wrap(self, available_width, available_height):
        self.width = self.edges[-1]
        self.height = sum(map(self._height, [self.head, *self.lines]))
        return self.width, self.height

    def split(self, available_width, available_height):
        room, fit = available_height - self._height(self.head), 0
        for cells in self.lines:
            room -= self._height(cells)
            if room < 0:
                break
            fit += 1
        if fit == 0 or fit == len(self.lines):
            return []
        return [ReportTable(self.header, self.rows[:fit], self.widths, self.font,
                            self.right, self.lines[:fit]),
                ReportTable(self.header, self.rows[fit:], self.widths, self.font,
                            self.right, self.lines[fit:])]

    def draw(self):
        c, y = self.canv, self.height
        c.saveState()
        c.setFillColor(HEADER_BG)
        c.rect(0, y - self._height(self.head), self.width, self._height(self.head), fill=1,
               stroke=0)
        c.setFillColor(colors.black)
        text = c.beginText()
        text.setFont(self.font, self.SIZE)
        path = c.beginPath()
        for k, cells in enumerate([self.head, *self.lines]):
            for col, lines in enumerate(cells):
                for n, line in enumerate(lines):
                    self._put(text, line, col, y - self.PAD - self.SIZE - n * self.LEADING + 1,
                              self.SIZE, centred=k == 0 or col not in self.right)
            path.moveTo(0, y)
            path.lineTo(self.width, y)
            y -= self._height(cells)
        path.moveTo(0, y)
        path.lineTo(self.width, y)
        for x in self.edges:
            path.moveTo(x, self.height)
            path.lineTo(x, y)
        c.drawText(text)
        c.setStrokeColor(colors.Color(0.55, 0.55, 0.55))
        c.setLineWidth(0.25)
        c.drawPath(path, stroke=1, fill=0)
        c.restoreState()
