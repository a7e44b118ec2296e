"""The visible seal: a round red stamp with a five-pointed star, the holder's name along the arc (Pillow).

Personal signatures get a square red name stamp instead (the usual 名章 form).
Fonts are Debian's Noto CJK (``fonts-noto-cjk``); the image is a transparent
PNG so it can be stamped over the text of a document.
"""

from __future__ import annotations

import functools
import io
import math
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

FONT_CANDIDATES = (
    "/usr/share/fonts/opentype/noto/NotoSerifCJK-Bold.ttc",
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Bold.ttc",
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
)
RED = (220, 20, 30, 235)
SIZE = 400


@functools.cache
def _font(size: int) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    for candidate in FONT_CANDIDATES:
        if Path(candidate).exists():
            # index 2 of the Noto CJK collection is the Simplified Chinese face
            return ImageFont.truetype(candidate, size, index=2)
    return ImageFont.load_default(size)


def _star(draw: ImageDraw.ImageDraw, centre: tuple[float, float], radius: float) -> None:
    points = []
    for index in range(10):
        angle = math.pi / 2 + index * math.pi / 5
        length = radius if index % 2 == 0 else radius * 0.382
        points.append((centre[0] + length * math.cos(angle), centre[1] - length * math.sin(angle)))
    draw.polygon(points, fill=RED)


def _text_on_arc(image: Image.Image, text: str, radius: float, font_size: int) -> None:
    """Each character upright towards the centre, spread over an arc of up to 240° across the top."""
    if not text:
        return
    font = _font(font_size)
    span = min(240.0, 18.0 * len(text) + 40.0)
    step = span / max(len(text) - 1, 1) if len(text) > 1 else 0.0
    start = 90 + span / 2 if len(text) > 1 else 90
    centre = SIZE / 2
    for index, character in enumerate(text):
        angle = start - index * step
        tile = Image.new("RGBA", (font_size + 8, font_size + 8), (0, 0, 0, 0))
        ImageDraw.Draw(tile).text((4, 0), character, font=font, fill=RED)
        tile = tile.rotate(angle - 90, resample=Image.Resampling.BICUBIC, expand=True)
        x = centre + radius * math.cos(math.radians(angle)) - tile.width / 2
        y = centre - radius * math.sin(math.radians(angle)) - tile.height / 2
        image.alpha_composite(tile, (int(x), int(y)))


def round_seal(name: str, caption: str = "") -> bytes:
    """A round official seal: outer ring, star in the middle, ``name`` along the arc, ``caption`` below."""
    image = Image.new("RGBA", (SIZE, SIZE), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    draw.ellipse((8, 8, SIZE - 8, SIZE - 8), outline=RED, width=12)
    _star(draw, (SIZE / 2, SIZE / 2), 62)
    font_size = 44 if len(name) <= 12 else max(26, int(44 * 12 / len(name)))
    _text_on_arc(image, name, SIZE / 2 - 50, font_size)
    if caption:
        font = _font(32)
        width = draw.textlength(caption, font=font)
        draw.text(((SIZE - width) / 2, SIZE * 0.68), caption, font=font, fill=RED)
    return _png(image)


def name_stamp(name: str) -> bytes:
    """A square personal name stamp: the name in two columns, read right to left, with 之印 when short."""
    text = name + ("之印" if len(name) <= 2 else "印" if len(name) == 3 else "")
    image = Image.new("RGBA", (SIZE, SIZE), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    draw.rectangle((16, 16, SIZE - 16, SIZE - 16), outline=RED, width=14)
    columns = [text[: (len(text) + 1) // 2], text[(len(text) + 1) // 2:]]
    font_size = int((SIZE - 80) / max(len(columns[0]), 1))
    font = _font(min(font_size, 150))
    for column_index, column in enumerate(columns):
        x = SIZE * (0.55 if column_index == 0 else 0.1)
        for row_index, character in enumerate(column):
            draw.text((x, 40 + row_index * min(font_size, 150)), character, font=font, fill=RED)
    return _png(image)


def _png(image: Image.Image) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", optimize=True)
    return buffer.getvalue()
