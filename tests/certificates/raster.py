"""Looking at a rendered certificate: the page rasterised by poppler's pdftoppm, the name's ink found by
comparing the page with the same page without the name, and reference renderings of the name made
straight from HarfBuzz's shaping of the text and the font's glyph outlines (no ReportLab involved), so
that a test can tell a correctly shaped, correctly ordered name from an unshaped or mis-ordered one."""
from __future__ import annotations

import subprocess
from pathlib import Path

from PIL import Image, ImageChops, ImageDraw

from trainer.pdf.text import FONT_DIR, FONT_FILES

DPI = 150
INK = 128  # a grey level darker than this (on the inverted image: brighter) counts as ink


def rasterise(pdf: bytes, folder: Path, name: str, dpi: int = DPI) -> Image.Image:
    """The first page as a grey image, ink bright on black."""
    path = folder / f"{name}.pdf"
    path.write_bytes(pdf)
    subprocess.run(["pdftoppm", "-r", str(dpi), "-gray", "-singlefile", str(path), str(folder / name)], check=True)
    return ImageChops.invert(Image.open(folder / f"{name}.pgm").convert("L"))


def ink_of_difference(page: Image.Image, without: Image.Image) -> Image.Image:
    """What `page` draws that `without` does not, cropped to its ink."""
    box = _ink_box(ImageChops.difference(page, without))
    assert box is not None, "the two pages are the same"
    return page.crop(box)


def crop_to_ink(image: Image.Image) -> Image.Image:
    return image.crop(_ink_box(image))


def _ink_box(image: Image.Image):
    return image.point(lambda v: 255 if v >= INK else 0).getbbox()


def similarity(a: Image.Image, b: Image.Image, size=(240, 40)) -> float:
    """Pearson correlation of the two ink images, both scaled to `size`: 1 the same drawing, about 0 unrelated."""
    def values(image):
        return image.point(lambda v: 255 if v >= INK else 0).resize(size, Image.BOX).tobytes()

    x, y = values(a), values(b)
    n = len(x)
    mx, my = sum(x) / n, sum(y) / n
    cov = sum((p - mx) * (q - my) for p, q in zip(x, y))
    vx = sum((p - mx) ** 2 for p in x)
    vy = sum((q - my) ** 2 for q in y)
    return cov / (vx * vy) ** 0.5 if vx and vy else 0.0


# --- reference renderings -------------------------------------------------------------------------

class _OutlinePen:
    """Collects a glyph's contours as polygons in pixels (curves flattened), for PIL to fill."""

    STEPS = 8

    def __init__(self, x: float, baseline: float, scale: float):
        self.x, self.baseline, self.scale = x, baseline, scale
        self.contours: list[list[tuple[float, float]]] = []
        self._points: list[tuple[float, float]] = []
        self._last = (0.0, 0.0)

    def _pixel(self, point):
        return (self.x + point[0] * self.scale, self.baseline - point[1] * self.scale)

    def moveTo(self, point):
        self._points = [self._pixel(point)]
        self._last = point

    def lineTo(self, point):
        self._points.append(self._pixel(point))
        self._last = point

    def qCurveTo(self, *points):
        *controls, end = points
        start = self._last
        for i, control in enumerate(controls):  # TrueType: on-curve points implied between off-curve ones
            stop = end if i == len(controls) - 1 else ((control[0] + controls[i + 1][0]) / 2,
                                                       (control[1] + controls[i + 1][1]) / 2)
            for k in range(1, self.STEPS + 1):
                t = k / self.STEPS
                self._points.append(self._pixel(
                    tuple((1 - t) ** 2 * s + 2 * (1 - t) * t * c + t * t * e for s, c, e in zip(start, control, stop))))
            start = stop
        self._last = end

    def curveTo(self, c1, c2, end):
        start = self._last
        for k in range(1, self.STEPS + 1):
            t = k / self.STEPS
            self._points.append(self._pixel(tuple(
                (1 - t) ** 3 * s + 3 * (1 - t) ** 2 * t * a + 3 * (1 - t) * t * t * b + t ** 3 * e
                for s, a, b, e in zip(start, c1, c2, end))))
        self._last = end

    def closePath(self):
        if len(self._points) > 2:
            self.contours.append(self._points)
        self._points = []

    endPath = closePath


def _font(script: str, bold: bool):
    import uharfbuzz as hb

    face = hb.Face(hb.Blob.from_file_path(str(FONT_DIR / FONT_FILES[script][1 if bold else 0])))
    return hb.Font(face), face.upem


def _draw(glyphs, font, upem: int, px: float) -> Image.Image:
    """Glyphs (id, x advance, x offset, y offset in font units) drawn from left to right, filled even-odd."""
    scale = px / upem
    image = Image.new("1", (int(sum(g[1] for g in glyphs) * scale + 2 * px), int(3 * px)), 0)
    x = px / 2
    for glyph, advance, x_offset, y_offset in glyphs:
        pen = _OutlinePen(x + x_offset * scale, 2 * px - y_offset * scale, scale)
        font.draw_glyph_with_pen(glyph, pen)
        for contour in pen.contours:
            layer = Image.new("1", image.size, 0)
            ImageDraw.Draw(layer).polygon(contour, fill=1)
            image = ImageChops.logical_xor(image, layer)
        x += advance * scale
    return crop_to_ink(image.convert("L").point(lambda v: 255 if v else 0))


def _shape(font, text: str):
    import uharfbuzz as hb

    buffer = hb.Buffer()
    buffer.add_str(text)
    buffer.guess_segment_properties()
    hb.shape(font, buffer, {})
    return [(info.codepoint, pos.x_advance, pos.x_offset, pos.y_offset)
            for info, pos in zip(buffer.glyph_infos, buffer.glyph_positions)]


def shaped(text: str, script: str, size_pt: float, *, bold: bool = True, dpi: int = DPI) -> Image.Image:
    """`text` as HarfBuzz shapes it as one run (right to left for Arabic: the glyphs come in visual order),
    as a browser draws it."""
    font, upem = _font(script, bold)
    return _draw(_shape(font, text), font, upem, size_pt * dpi / 72)


def words_left_to_right(text: str, script: str, size_pt: float, *, bold: bool = True, dpi: int = DPI) -> Image.Image:
    """Each word shaped, but the words laid out left to right in reading order: a right-to-left name
    drawn in the wrong direction."""
    font, upem = _font(script, bold)
    space = font.get_nominal_glyph(ord(" "))
    glyphs = []
    for i, word in enumerate(text.split()):
        if i:
            glyphs.append((space, font.get_glyph_h_advance(space), 0, 0))
        glyphs += _shape(font, word)
    return _draw(glyphs, font, upem, size_pt * dpi / 72)


def unshaped(text: str, script: str, size_pt: float, *, bold: bool = True, dpi: int = DPI) -> Image.Image:
    """One nominal glyph per character, left to right, as ReportLab draws text when nothing shapes it."""
    font, upem = _font(script, bold)
    glyphs = []
    for char in text:
        glyph = font.get_nominal_glyph(ord(char)) or 0
        glyphs.append((glyph, font.get_glyph_h_advance(glyph), 0, 0))
    return _draw(glyphs, font, upem, size_pt * dpi / 72)
