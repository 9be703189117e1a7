"""A small page-layout engine over QPdfWriter or QPrinter: blocks measured first, then
paginated, then painted with a header and footer on every page (and a draft stamp when
asked). The same drawing makes the PDF file and the printed page
(kapdesk.export.printing).

Sizes are in points; `Layout.pt` turns them into the writer's device units. Long text is
broken into lines, and tables into rows, so either can run across pages; a table repeats
its header row at the top of each page it continues on.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from PySide6.QtCore import QBuffer, QIODevice, QMarginsF, QPointF, QRectF, Qt
from PySide6.QtGui import (
    QColor,
    QFont,
    QFontMetricsF,
    QGuiApplication,
    QPageLayout,
    QPageSize,
    QPainter,
    QPdfWriter,
    QPen,
    QTextLayout,
    QTextOption,
)

if TYPE_CHECKING:  # printing loads QtPrintSupport (and QtWidgets): only kapdesk.export.printing
    from PySide6.QtPrintSupport import QPrinter

RESOLUTION = 300
DRAFT_TEXT = "DRAFT - not signed"
PAGE_IDS = {"a4": QPageSize.PageSizeId.A4, "letter": QPageSize.PageSizeId.Letter}
STYLES: dict[str, tuple[float, bool, bool, str]] = {  # size pt, bold, italic, colour
    "title": (15, True, False, "#111827"), "h2": (10.5, True, False, "#111827"),
    "body": (8.5, False, False, "#111827"), "bold": (8.5, True, False, "#111827"),
    "muted": (7.5, False, False, "#4b5563"), "small": (7, False, True, "#4b5563"),
    "strike": (7.5, False, False, "#6b7280"), "alert": (8.5, True, False, "#b91c1c"),
    "draft": (11, True, False, "#b91c1c"), "head": (7.5, True, False, "#374151"),
    "warn": (7.5, False, False, "#b91c1c"), "label": (8, True, False, "#374151"),
}

Cell = str | tuple[str, str] | list[tuple[str, str]]  # text, (text, style), or lines


def gui_app() -> QGuiApplication:
    """The running Qt application, or a window-less one for exports from the command line."""
    app = QGuiApplication.instance()
    if app is None:
        app = QGuiApplication(["kapdesk-export", "-platform", "offscreen"])
    assert isinstance(app, QGuiApplication)
    return app


@dataclass
class Block:
    height: float  # device units
    paint: Callable[[QPainter, QRectF], None]
    space_before: float = 0.0
    keep_with_next: bool = False
    header: Block | None = None  # a table's header row, repeated after a page break


@dataclass
class Page:
    blocks: list[tuple[float, Block]] = field(default_factory=list)


class Layout:
    def __init__(self, writer: QPdfWriter | QPrinter) -> None:
        self.writer = writer
        self.pt = writer.resolution() / 72.0
        rect = writer.pageLayout().paintRectPoints()
        self.width = rect.width() * self.pt
        self.height = rect.height() * self.pt
        self.blocks: list[Block] = []
        self._fonts: dict[str, tuple[QFont, QFontMetricsF]] = {}
        self._wrap = QTextOption()
        self._wrap.setWrapMode(QTextOption.WrapMode.WrapAtWordBoundaryOrAnywhere)

    def font(self, style: str) -> tuple[QFont, QFontMetricsF]:
        if style not in self._fonts:
            size, bold, italic, _color = STYLES[style]
            font = QFont("DejaVu Sans")
            font.setPointSizeF(size)
            font.setBold(bold)
            font.setItalic(italic)
            font.setStrikeOut(style == "strike")
            font.setFeature(QFont.Tag("liga"), 0)  # "fi", not one glyph: text stays searchable
            self._fonts[style] = (font, QFontMetricsF(font, self.writer))
        return self._fonts[style]

    def add(self, block: Block) -> None:
        self.blocks.append(block)

    def space(self, points: float) -> None:
        self.add(Block(points * self.pt, lambda p, r: None))

    # -- text --------------------------------------------------------------------------

    def lines(self, text: str, style: str, width: float) -> list[str]:
        """`text` broken into lines that fit `width` (its own newlines kept)."""
        font, _fm = self.font(style)
        out: list[str] = []
        for para in text.split("\n"):
            if not para:
                out.append("")
                continue
            layout = QTextLayout(para, font, self.writer)
            layout.setTextOption(self._wrap)
            layout.beginLayout()
            while True:
                line = layout.createLine()
                if not line.isValid():
                    break
                line.setLineWidth(width)
                out.append(para[line.textStart():line.textStart() + line.textLength()].rstrip())
            layout.endLayout()
        return out

    def draw_text(self, painter: QPainter, x: float, y: float, text: str, style: str) -> float:
        """One line at (x, top y); returns its height."""
        font, fm = self.font(style)
        painter.setFont(font)
        painter.setPen(QColor(STYLES[style][3]))
        painter.drawText(QPointF(x, y + fm.ascent()), text)
        return fm.lineSpacing()

    def paragraph(self, text: str, style: str = "body", indent_pt: float = 0,
                  space_pt: float = 0) -> None:
        _font, fm = self.font(style)
        indent = indent_pt * self.pt
        def drawer(line: str) -> Callable[[QPainter, QRectF], None]:
            def draw(p: QPainter, r: QRectF) -> None:
                self.draw_text(p, r.left() + indent, r.top(), line, style)
            return draw

        for i, line in enumerate(self.lines(text, style, self.width - indent)):
            self.add(Block(fm.lineSpacing(), drawer(line),
                           space_before=space_pt * self.pt if i == 0 else 0.0))

    def heading(self, text: str) -> None:
        _font, fm = self.font("h2")

        def paint(p: QPainter, r: QRectF) -> None:
            self.draw_text(p, r.left(), r.top(), text, "h2")
            y = r.top() + fm.lineSpacing() + 1 * self.pt
            p.setPen(QPen(QColor("#9ca3af"), 0.5 * self.pt))
            p.drawLine(QPointF(r.left(), y), QPointF(r.right(), y))

        self.add(Block(fm.lineSpacing() + 4 * self.pt, paint, space_before=10 * self.pt,
                       keep_with_next=True))

    # -- tables ------------------------------------------------------------------------

    def _cell_lines(self, cell: Cell, width: float) -> list[tuple[str, str]]:
        parts = [(cell, "body")] if isinstance(cell, str) else (
            [cell] if isinstance(cell, tuple) else cell)
        return [(line, style) for text, style in parts for line in self.lines(text, style,
                                                                              width)]

    def _row(self, cells: Sequence[Cell], widths: Sequence[float], shade: str | None) -> Block:
        pad = 2.0 * self.pt
        laid = [self._cell_lines(c, w - 2 * pad) for c, w in zip(cells, widths, strict=True)]
        height = max(sum(self.font(s)[1].lineSpacing() for _t, s in lines) for lines in laid)
        height += 2 * pad

        def paint(p: QPainter, r: QRectF) -> None:
            if shade:
                p.fillRect(QRectF(r.left(), r.top(), r.width(), height), QColor(shade))
            x = r.left()
            for lines, w in zip(laid, widths, strict=True):
                y = r.top() + pad
                for text, style in lines:
                    y += self.draw_text(p, x + pad, y, text, style)
                x += w
            p.setPen(QPen(QColor("#d1d5db"), 0.4 * self.pt))
            p.drawLine(QPointF(r.left(), r.top() + height), QPointF(r.right(), r.top() + height))

        return Block(height, paint)

    def table(self, columns: Sequence[tuple[str, float]], rows: Sequence[Sequence[Cell]],
              empty: str = "None recorded.", header: bool = True) -> None:
        """Columns are (title, share of the width); rows are lists of cells."""
        if not rows:
            self.paragraph(empty, "muted", space_pt=2)
            return
        total = sum(share for _t, share in columns)
        widths = [self.width * share / total for _t, share in columns]
        head = self._row([(t, "head") for t, _s in columns], widths, "#eef0f3")
        head.space_before = 3 * self.pt
        head.keep_with_next = True
        if header:
            self.add(head)
        for i, row in enumerate(rows):
            block = self._row(row, widths, "#f9fafb" if i % 2 else None)
            if header:
                block.header = head
            elif i == 0:
                block.space_before = 3 * self.pt
            self.add(block)

    # -- pages -------------------------------------------------------------------------

    def paginate(self, top: float, bottom: float) -> list[Page]:
        room = self.height - top - bottom
        pages = [Page()]
        y = 0.0
        for i, block in enumerate(self.blocks):
            need = block.height + (block.space_before if y else 0.0)
            j = i
            while self.blocks[j].keep_with_next and j + 1 < len(self.blocks):
                j += 1  # a heading, a table's header and its first row stay together
                need += self.blocks[j].height + self.blocks[j].space_before
            if y and y + need > room:
                pages.append(Page())
                y = 0.0
                if block.header is not None:
                    pages[-1].blocks.append((top, block.header))
                    y = block.header.height
            y += block.space_before if y else 0.0
            pages[-1].blocks.append((top + y, block))
            y += block.height
        return pages


def new_writer(device: QIODevice, page_size: str, title: str) -> QPdfWriter:
    gui_app()
    writer = QPdfWriter(device)
    writer.setResolution(RESOLUTION)
    writer.setPageLayout(QPageLayout(QPageSize(PAGE_IDS[page_size]),
                                     QPageLayout.Orientation.Portrait,
                                     QMarginsF(15, 14, 15, 14), QPageLayout.Unit.Millimeter))
    writer.setTitle(title)
    writer.setCreator("KAPdesk")
    return writer


HeaderPainter = Callable[[QPainter, QRectF, int, int], None]  # page rect, number, total


def pdf_bytes(page_size: str, title: str, build: Callable[[Layout], HeaderPainter],
              draft: bool) -> tuple[bytes, int]:
    """A document made in memory: `build` adds its blocks to the layout and returns what
    paints each page's header and footer. Returns the PDF and its number of pages."""
    buffer = QBuffer()
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    layout = Layout(new_writer(buffer, page_size, title))
    header = build(layout)
    pages = render(layout, header, draft)  # ending the painter completes the file
    return bytes(buffer.data().data()), pages


def render(layout: Layout, header: HeaderPainter, draft: bool) -> int:
    """Paint every page; returns the number of pages."""
    head_h, foot_h = 34 * layout.pt, 18 * layout.pt
    pages = layout.paginate(head_h, foot_h)
    painter = QPainter(layout.writer)
    try:
        for number, page in enumerate(pages, start=1):
            if number > 1:
                layout.writer.newPage()
            if draft:
                _watermark(painter, layout)
            header(painter, QRectF(0, 0, layout.width, layout.height), number, len(pages))
            for y, block in page.blocks:
                block.paint(painter, QRectF(0, y, layout.width, block.height))
    finally:
        painter.end()
    return len(pages)


def _watermark(painter: QPainter, layout: Layout) -> None:
    painter.save()
    font = QFont("DejaVu Sans")
    font.setPointSizeF(54)
    font.setBold(True)
    painter.setFont(font)
    painter.setPen(QColor(185, 28, 28, 28))
    painter.translate(layout.width / 2, layout.height / 2)
    painter.rotate(-35)
    painter.drawText(QRectF(-layout.height, -60 * layout.pt, 2 * layout.height,
                            120 * layout.pt), int(Qt.AlignmentFlag.AlignCenter), "DRAFT")
    painter.restore()
