"""Draw the demo shop's product pictures: one simple illustration per demo product, as WebP.

    .venv/bin/python tools/demo_pictures.py            # writes src/xiangcun/catalog/demo_photos/
    .venv/bin/python tools/demo_pictures.py --check    # exit 1 if a committed file differs

Shapes and colours only (no photos, no fonts), drawn at twice the size and scaled down so the
edges are smooth. Each file is named after the first SKU of its product in
`catalog/demo_data.py`; `xiangcun demo` loads them through the same pipeline as a seller's
upload (`catalog.images.photo_process`). The pictures are the project's own work, under the
project's licence (see the README beside them).
"""

# ruff: noqa: S311 - seeded generators only place drawn grains, leaves and bubbles
import argparse
import io
import math
import random
import sys
from collections.abc import Callable
from pathlib import Path

from PIL import Image, ImageDraw

SIDE = 400
SCALE = 2
OUT = Path(__file__).resolve().parent.parent / "src" / "xiangcun" / "catalog" / "demo_photos"
QUALITY = 60

Box = tuple[float, float, float, float]
Colour = str


class Canvas:
    """A square picture drawn in 400-unit coordinates on a canvas twice that size."""

    def __init__(self, background: Colour) -> None:
        self.image = Image.new("RGB", (SIDE * SCALE, SIDE * SCALE), background)
        # RGBA drawing on an RGB picture: colours with alpha (shadows, shine) blend in.
        self.draw = ImageDraw.Draw(self.image, "RGBA")

    @staticmethod
    def _box(box: Box) -> list[float]:
        return [value * SCALE for value in box]

    def ellipse(
        self, box: Box, fill: Colour, outline: Colour | None = None, width: int = 0
    ) -> None:
        self.draw.ellipse(self._box(box), fill=fill, outline=outline, width=width * SCALE)

    def ring(self, box: Box, colour: Colour, width: int) -> None:
        self.draw.ellipse(self._box(box), outline=colour, width=width * SCALE)

    def rect(
        self, box: Box, fill: Colour, radius: float = 0, outline: Colour | None = None
    ) -> None:
        self.draw.rounded_rectangle(
            self._box(box), radius=radius * SCALE, fill=fill, outline=outline, width=2 * SCALE
        )

    def polygon(self, points: list[tuple[float, float]], fill: Colour) -> None:
        self.draw.polygon([(x * SCALE, y * SCALE) for x, y in points], fill=fill)

    def line(self, points: list[tuple[float, float]], colour: Colour, width: int) -> None:
        self.draw.line(
            [(x * SCALE, y * SCALE) for x, y in points],
            fill=colour,
            width=width * SCALE,
            joint="curve",
        )

    def arc(self, box: Box, start: float, end: float, colour: Colour, width: int) -> None:
        self.draw.arc(self._box(box), start, end, fill=colour, width=width * SCALE)

    def chord(self, box: Box, start: float, end: float, fill: Colour) -> None:
        self.draw.chord(self._box(box), start, end, fill=fill)

    def pieslice(self, box: Box, start: float, end: float, fill: Colour) -> None:
        self.draw.pieslice(self._box(box), start, end, fill=fill)

    def webp(self) -> bytes:
        small = self.image.resize((SIDE, SIDE), Image.Resampling.LANCZOS)
        out = io.BytesIO()
        small.save(out, format="WEBP", quality=QUALITY, method=6)
        return out.getvalue()


# --- parts several pictures share ---------------------------------------------------------------


def _bowl(c: Canvas, grain: Colour, bowl: Colour, band: Colour, seed: int) -> None:
    c.ellipse((70, 300, 330, 340), "#00000022")
    c.chord((60, 120, 340, 330), 0, 180, bowl)
    c.rect((70, 222, 330, 236), band)
    c.ellipse((62, 180, 338, 250), grain)
    rng = random.Random(seed)
    for _ in range(70):
        x, y = rng.uniform(95, 305), rng.uniform(170, 225)
        c.ellipse((x, y, x + 12, y + 6), "#ffffffaa" if grain != "#ffffff" else "#e8e2d0")
    c.rect((150, 320, 250, 334), bowl, radius=6)


def _jar(
    c: Canvas, body: Colour, lid: Colour, label: Colour, box: Box = (110, 110, 290, 330)
) -> None:
    left, top, right, bottom = box
    c.ellipse((left - 10, bottom - 14, right + 10, bottom + 12), "#00000022")
    c.rect((left, top + 30, right, bottom), body, radius=30)
    c.rect((left + 20, top, right - 20, top + 42), lid, radius=8)
    c.rect((left + 20, top + 110, right - 20, top + 170), label, radius=6)
    c.rect((left + 18, top + 50, left + 34, bottom - 30), "#ffffff55", radius=8)


def _sack(c: Canvas, body: Colour, tie: Colour, box: Box = (100, 90, 300, 340)) -> None:
    left, top, right, bottom = box
    c.ellipse((left - 10, bottom - 16, right + 10, bottom + 12), "#00000022")
    c.polygon(
        [
            (left + 30, top + 40),
            (right - 30, top + 40),
            (right + 10, bottom - 40),
            (right - 10, bottom),
            (left + 10, bottom),
            (left - 10, bottom - 40),
        ],
        body,
    )
    c.polygon(
        [(left + 40, top), (right - 40, top), (right - 30, top + 44), (left + 30, top + 44)], body
    )
    c.rect((left + 34, top + 34, right - 34, top + 50), tie, radius=6)


def _leaf(c: Canvas, cx: float, cy: float, length: float, angle: float, colour: Colour) -> None:
    points = []
    for step in range(21):
        t = step / 20
        along, across = length * (t - 0.5), length * 0.22 * math.sin(math.pi * t)
        points.append((along, across))
    points += [(x, -y) for x, y in reversed(points)]
    cos, sin = math.cos(angle), math.sin(angle)
    c.polygon([(cx + x * cos - y * sin, cy + x * sin + y * cos) for x, y in points], colour)
    c.line(
        [
            (cx - length / 2 * cos, cy - length / 2 * sin),
            (cx + length / 2 * cos, cy + length / 2 * sin),
        ],
        "#ffffff66",
        2,
    )


def _berry(c: Canvas, x: float, y: float, r: float) -> None:
    c.ellipse((x - r, y - r, x + r, y + r), "#3b4a8c")
    c.ellipse((x - r * 0.7, y - r * 0.8, x + r * 0.2, y - r * 0.1), "#6f7fc2")
    c.ellipse((x - r * 0.25, y - r * 0.25, x + r * 0.25, y + r * 0.25), "#26305e")


def _spiral(c: Canvas, cx: float, cy: float, size: float, colour: Colour) -> None:
    points = [
        (cx + size * t / 12 * math.cos(t), cy + size * t / 12 * math.sin(t))
        for t in (i * 0.3 for i in range(42))
    ]
    c.line(points, colour, 3)


def _butterfly(c: Canvas, cx: float, cy: float, size: float, wing: Colour, body: Colour) -> None:
    for side in (-1, 1):
        c.ellipse(
            (
                cx + side * size * 0.1 - size * 0.5 * (side < 0),
                cy - size * 0.6,
                cx + side * size * 0.1 + size * 0.5 * (side > 0),
                cy,
            ),
            wing,
        )
        c.ellipse(
            (
                cx + side * size * 0.05 - size * 0.35 * (side < 0),
                cy - size * 0.05,
                cx + side * size * 0.05 + size * 0.35 * (side > 0),
                cy + size * 0.4,
            ),
            wing,
        )
    c.rect((cx - size * 0.05, cy - size * 0.55, cx + size * 0.05, cy + size * 0.4), body, radius=4)


def _hexagon(c: Canvas, cx: float, cy: float, r: float, fill: Colour) -> None:
    c.polygon(
        [
            (cx + r * math.cos(math.pi / 3 * k), cy + r * math.sin(math.pi / 3 * k))
            for k in range(6)
        ],
        fill,
    )


def _flower(c: Canvas, cx: float, cy: float, r: float, petal: Colour, heart: Colour) -> None:
    for k in range(5):
        a = 2 * math.pi * k / 5
        px, py = cx + r * math.cos(a), cy + r * math.sin(a)
        c.ellipse((px - r * 0.7, py - r * 0.7, px + r * 0.7, py + r * 0.7), petal)
    c.ellipse((cx - r * 0.6, cy - r * 0.6, cx + r * 0.6, cy + r * 0.6), heart)


# --- one picture per demo product (keyed by its first SKU) --------------------------------------


def rice_selenium() -> Canvas:
    c = Canvas("#dcedc8")
    for k in range(5):
        _leaf(c, 60 + 70 * k, 70, 60, -0.6, "#8bc34a")
    _bowl(c, "#ffffff", "#2e7d9a", "#f4c542", seed=1)
    return c


def rice_fragrant() -> Canvas:
    c = Canvas("#fff3c4")
    _sack(c, "#e8d3a2", "#8d6e3f")
    c.ellipse((150, 200, 250, 300), "#ffffff")
    c.line([(200, 280), (200, 210)], "#b8912f", 5)
    for k in range(6):
        _leaf(c, 200 + (12 if k % 2 else -12), 220 + 10 * k, 26, 1.2 if k % 2 else -1.2, "#d4a017")
    return c


def rice_red() -> Canvas:
    c = Canvas("#fbe9e7")
    _bowl(c, "#b5473a", "#f5f0e6", "#b5473a", seed=3)
    return c


def blueberries() -> Canvas:
    c = Canvas("#e3f2fd")
    c.ellipse((70, 310, 330, 345), "#00000022")
    c.polygon([(80, 190), (320, 190), (295, 330), (105, 330)], "#8d6e63")
    for k in range(6):
        c.line([(100 + 40 * k, 195), (110 + 36 * k, 325)], "#6d4c41", 3)
    rng = random.Random(4)
    for _ in range(26):
        _berry(c, rng.uniform(105, 295), rng.uniform(130, 200), rng.uniform(20, 28))
    _leaf(c, 300, 110, 80, -0.5, "#43a047")
    return c


def blueberry_jam() -> Canvas:
    c = Canvas("#ede7f6")
    _jar(c, "#4a2a6b", "#c62828", "#fff8e1")
    _berry(c, 200, 250, 20)
    for x in (178, 222):
        _berry(c, x, 262, 14)
    return c


def honey_jar() -> Canvas:
    c = Canvas("#fff8e1")
    for row in range(5):
        for col in range(5):
            _hexagon(c, 40 + 80 * col + 40 * (row % 2), 40 + 70 * row, 34, "#ffecb3")
    _jar(c, "#f2a516", "#6d4c41", "#fffde7")
    _hexagon(c, 200, 250, 20, "#f2a516")
    return c


def honey_wildflower() -> Canvas:
    c = Canvas("#f1f8e9")
    _jar(c, "#e8b10c", "#5d4037", "#ffffff", box=(130, 100, 290, 330))
    for x, y, petal in ((80, 250, "#f06292"), (90, 150, "#ffb74d"), (330, 120, "#ba68c8")):
        c.line([(x, y + 20), (x, 345)], "#689f38", 4)
        _flower(c, x, y, 18, petal, "#fdd835")
    return c


def honeycomb() -> Canvas:
    c = Canvas("#5d4037")
    c.rect((60, 80, 340, 320), "#fbc02d", radius=18)
    for row in range(7):
        for col in range(6):
            x, y = 90 + 46 * col + 23 * (row % 2), 105 + 34 * row
            if x < 330:
                _hexagon(c, x, y, 20, "#f9a825" if (row + col) % 3 else "#ffe082")
    c.ellipse((230, 250, 290, 300), "#f57f17")
    return c


def tea_green() -> Canvas:
    c = Canvas("#e8f5e9")
    rng = random.Random(9)
    for _ in range(14):
        _leaf(
            c,
            rng.uniform(70, 330),
            rng.uniform(80, 330),
            rng.uniform(70, 110),
            rng.uniform(0, math.pi),
            rng.choice(["#2e7d32", "#43a047", "#66bb6a"]),
        )
    _leaf(c, 200, 200, 90, -1.2, "#9ccc65")
    return c


def tea_black() -> Canvas:
    c = Canvas("#efebe9")
    c.ellipse((70, 270, 330, 340), "#d7ccc8")
    c.chord((100, 110, 300, 320), 0, 180, "#ffffff")
    c.ellipse((100, 180, 300, 240), "#a0401c")
    c.ring((280, 220, 340, 280), "#ffffff", 12)
    for k in range(3):
        c.arc((160 + 30 * k, 60, 200 + 30 * k, 160), 200, 340, "#bcaaa4", 4)
    return c


def pork_belly() -> Canvas:
    c = Canvas("#fce4ec")
    c.ellipse((60, 300, 340, 340), "#00000022")
    c.rect((60, 130, 340, 310), "#c9184a", radius=26)
    for top, colour in ((150, "#fff0f3"), (200, "#e85d75"), (235, "#fff0f3"), (275, "#e85d75")):
        c.rect((70, top, 330, top + 20), colour, radius=8)
    c.rect((60, 120, 340, 140), "#fff8f0", radius=8)
    return c


def pork_smoked() -> Canvas:
    c = Canvas("#fff3e0")
    c.line([(40, 70), (360, 70)], "#6d4c41", 6)
    for k, x in enumerate((80, 170, 260)):
        c.line([(x + 30, 70), (x + 30, 100)], "#8d6e63", 3)
        c.rect((x, 100, x + 60, 320 - 20 * k), "#5d2e1a", radius=12)
        for y in range(130, 300 - 20 * k, 36):
            c.rect((x + 6, y, x + 54, y + 10), "#f3d9b1", radius=4)
    return c


def batik_scarf() -> Canvas:
    c = Canvas("#1a2f5a")
    for row in range(4):
        for col in range(4):
            _spiral(c, 55 + 97 * col, 55 + 97 * row, 30, "#e3ecf7")
    for x in range(0, 400, 20):
        c.ellipse((x + 4, 4, x + 14, 14), "#e3ecf7")
        c.ellipse((x + 4, 386, x + 14, 396), "#e3ecf7")
    return c


def batik_runner() -> Canvas:
    c = Canvas("#d7ccc8")
    c.rect((130, 20, 270, 380), "#23407a", radius=4)
    for y in (80, 200, 320):
        _butterfly(c, 200, y + 20, 80, "#e8eef8", "#23407a")
    for y in range(30, 380, 18):
        c.ellipse((136, y, 144, y + 8), "#e8eef8")
        c.ellipse((256, y, 264, y + 8), "#e8eef8")
    return c


def batik_tote() -> Canvas:
    c = Canvas("#fff8e1")
    c.arc((140, 50, 260, 190), 180, 360, "#bfa57a", 12)
    c.rect((90, 120, 310, 350), "#efe2c4", radius=10)
    c.rect((125, 165, 275, 310), "#203a74", radius=6)
    _spiral(c, 165, 205, 22, "#dfe8f5")
    _spiral(c, 235, 270, 22, "#dfe8f5")
    _butterfly(c, 232, 212, 40, "#dfe8f5", "#203a74")
    return c


def paper_sheets() -> Canvas:
    c = Canvas("#e0f2f1")
    rng = random.Random(17)
    for k, colour in enumerate(("#f3ead7", "#f7f0e0", "#fbf7ec")):
        c.rect(
            (80 + 12 * k, 90 - 10 * k, 300 + 12 * k, 330 - 10 * k),
            colour,
            radius=4,
            outline="#d8cbb0",
        )
    for _ in range(40):
        x, y = rng.uniform(110, 300), rng.uniform(80, 310)
        c.line([(x, y), (x + rng.uniform(-18, 18), y + rng.uniform(-8, 8))], "#cdbf9f", 1)
    _leaf(c, 180, 180, 40, 0.7, "#a5d6a7")
    _flower(c, 250, 250, 12, "#f8bbd0", "#fff176")
    return c


def paper_lantern() -> Canvas:
    c = Canvas("#263238")
    c.ellipse((100, 90, 300, 320), "#ffe9b0")
    for x in (140, 200, 260):
        c.arc(
            (x - 60 if x != 200 else 195, 90, x + 60 if x != 200 else 205, 320),
            0,
            360,
            "#e0c27a",
            2,
        )
    c.rect((160, 70, 240, 96), "#b71c1c", radius=4)
    c.rect((160, 314, 240, 340), "#b71c1c", radius=4)
    c.line([(200, 20), (200, 70)], "#8d6e63", 3)
    c.line([(200, 340), (200, 385)], "#e53935", 4)
    _flower(c, 170, 190, 14, "#f48fb1", "#fff176")
    _flower(c, 235, 240, 12, "#ce93d8", "#fff176")
    return c


def silver_bangle() -> Canvas:
    c = Canvas("#7b1f2c")
    c.ring((70, 120, 330, 300), "#9ea7ad", 34)
    c.ring((74, 112, 326, 292), "#e6ebee", 26)
    for k in range(14):
        a = math.pi * 2 * k / 14
        x, y = 200 + 114 * math.cos(a), 202 + 78 * math.sin(a)
        c.ellipse((x - 5, y - 5, x + 5, y + 5), "#a7b0b6")
    return c


def silver_earrings() -> Canvas:
    c = Canvas("#37474f")
    for cx in (130, 270):
        c.ring((cx - 14, 60, cx + 14, 92), "#e0e6ea", 4)
        c.line([(cx, 92), (cx, 150)], "#cfd8dc", 3)
        _butterfly(c, cx, 220, 110, "#dfe6ea", "#90a4ae")
        c.ellipse((cx - 8, 300, cx + 8, 316), "#eceff1")
    return c


def embroidery_hanging() -> Canvas:
    c = Canvas("#efebe9")
    c.rect((60, 40, 340, 360), "#6d4c41", radius=6)
    c.rect((80, 60, 320, 340), "#1b1b1b")
    colours = ["#e53935", "#fdd835", "#43a047", "#1e88e5", "#f06292"]
    for row in range(6):
        for col in range(5):
            x, y = 104 + 46 * col, 84 + 46 * row
            c.polygon(
                [(x, y - 16), (x + 16, y), (x, y + 16), (x - 16, y)], colours[(row + col) % 5]
            )
            c.polygon([(x, y - 7), (x + 7, y), (x, y + 7), (x - 7, y)], "#1b1b1b")
    return c


def embroidery_pouch() -> Canvas:
    c = Canvas("#e0f7fa")
    c.line([(130, 120), (200, 30), (270, 120)], "#ad1457", 6)
    c.rect((110, 120, 290, 350), "#212121", radius=20)
    c.rect((130, 140, 270, 200), "#c2185b", radius=8)
    for k in range(5):
        x = 150 + 25 * k
        c.polygon(
            [(x, 220), (x + 12, 240), (x, 260), (x - 12, 240)],
            ["#fdd835", "#43a047", "#e53935"][k % 3],
        )
    _flower(c, 200, 300, 16, "#ff7043", "#fdd835")
    return c


def fertiliser_npk() -> Canvas:
    c = Canvas("#e8eaf6")
    _sack(c, "#ffffff", "#1565c0")
    for k, colour in enumerate(("#1565c0", "#43a047", "#f9a825")):
        c.ellipse((120 + 55 * k, 200, 170 + 55 * k, 250), colour)
    c.rect((130, 275, 270, 295), "#1565c0", radius=6)
    return c


def fertiliser_organic() -> Canvas:
    c = Canvas("#f1f8e9")
    _sack(c, "#6d8b3a", "#3e5a1e")
    _leaf(c, 185, 235, 90, -0.9, "#c5e1a5")
    _leaf(c, 225, 245, 70, -2.3, "#aed581")
    return c


def hoe() -> Canvas:
    c = Canvas("#fff3e0")
    c.line([(90, 340), (300, 80)], "#a1662f", 16)
    c.polygon([(255, 70), (350, 120), (335, 175), (275, 130)], "#607d8b")
    c.polygon([(262, 78), (340, 120), (336, 134), (268, 100)], "#90a4ae")
    return c


def sickle() -> Canvas:
    c = Canvas("#f9fbe7")
    c.pieslice((90, 60, 330, 300), 190, 350, "#78909c")
    c.pieslice((120, 100, 320, 300), 185, 355, "#f9fbe7")
    c.line([(110, 180), (90, 340)], "#8d5524", 18)
    for k in range(10):
        a = math.radians(195 + 15 * k)
        c.ellipse(
            (
                210 + 120 * math.cos(a) - 3,
                180 + 120 * math.sin(a) - 3,
                210 + 120 * math.cos(a) + 3,
                180 + 120 * math.sin(a) + 3,
            ),
            "#546e7a",
        )
    return c


def rice_cooker() -> Canvas:
    c = Canvas("#fce4ec")
    c.ellipse((70, 310, 330, 345), "#00000022")
    c.rect((80, 150, 320, 330), "#fafafa", radius=40, outline="#bdbdbd")
    c.chord((80, 80, 320, 230), 180, 360, "#e0e0e0")
    c.rect((180, 90, 220, 110), "#9e9e9e", radius=6)
    c.rect((150, 230, 250, 270), "#37474f", radius=8)
    c.ellipse((160, 240, 176, 256), "#ef5350")
    c.ellipse((224, 240, 240, 256), "#66bb6a")
    return c


def kettle() -> Canvas:
    c = Canvas("#e1f5fe")
    c.ellipse((90, 320, 310, 350), "#37474f")
    c.polygon([(120, 120), (280, 120), (300, 330), (100, 330)], "#b0bec5")
    c.polygon([(135, 130), (160, 130), (150, 320), (122, 320)], "#eceff1")
    c.arc((200, 120, 340, 300), 270, 90, "#37474f", 16)
    c.polygon([(100, 170), (50, 130), (58, 120), (110, 150)], "#b0bec5")
    c.rect((150, 100, 250, 125), "#37474f", radius=8)
    return c


def detergent() -> Canvas:
    c = Canvas("#e0f7fa")
    c.rect((100, 80, 300, 340), "#1e88e5", radius=14)
    c.rect((100, 80, 300, 120), "#1565c0", radius=14)
    c.ellipse((130, 150, 270, 290), "#ffffff")
    c.ellipse((155, 175, 245, 265), "#fdd835")
    rng = random.Random(27)
    for _ in range(9):
        x, y, r = rng.uniform(40, 360), rng.uniform(30, 370), rng.uniform(8, 20)
        c.ring((x - r, y - r, x + r, y + r), "#81d4fa", 3)
    return c


PICTURES: dict[str, Callable[[], Canvas]] = {
    "DZ-RICE-SZ-1J": rice_selenium,
    "DZ-RICE-XM-5KG": rice_fragrant,
    "DZ-RICE-HM-2J": rice_red,
    "DZ-BLUE-125X4": blueberries,
    "DZ-BLUE-JAM-250": blueberry_jam,
    "DZ-HONEY-500": honey_jar,
    "DZ-HONEY-BH-1KG": honey_wildflower,
    "DZ-HONEY-COMB": honeycomb,
    "DZ-TEA-GREEN-250": tea_green,
    "DZ-TEA-BLACK-200": tea_black,
    "DZ-PORK-WH-1J": pork_belly,
    "DZ-PORK-LR-1KG": pork_smoked,
    "DZ-BATIK-SCARF": batik_scarf,
    "DZ-BATIK-RUNNER": batik_runner,
    "DZ-BATIK-TOTE": batik_tote,
    "DZ-PAPER-10": paper_sheets,
    "DZ-PAPER-LANTERN": paper_lantern,
    "DZ-SILVER-BANGLE": silver_bangle,
    "DZ-SILVER-EAR": silver_earrings,
    "DZ-EMB-HANGING": embroidery_hanging,
    "DZ-EMB-POUCH": embroidery_pouch,
    "IN-FERT-NPK-50": fertiliser_npk,
    "IN-FERT-ORG-40": fertiliser_organic,
    "IN-TOOL-HOE": hoe,
    "IN-TOOL-SICKLE": sickle,
    "IN-APPL-COOKER-4L": rice_cooker,
    "IN-APPL-KETTLE": kettle,
    "IN-DAILY-DETERGENT-3KG": detergent,
}


def file_name(sku: str) -> str:
    return f"{sku.lower()}.webp"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="compare with the committed files")
    parser.add_argument("--out", type=Path, default=OUT)
    arguments = parser.parse_args()
    arguments.out.mkdir(parents=True, exist_ok=True)
    different = []
    total = 0
    for sku, draw in PICTURES.items():
        data = draw().webp()
        total += len(data)
        path = arguments.out / file_name(sku)
        if arguments.check:
            if not path.exists() or path.read_bytes() != data:
                different.append(path.name)
        else:
            path.write_bytes(data)
    if different:
        sys.stderr.write("differ from the drawing: " + ", ".join(different) + "\n")
        return 1
    sys.stdout.write(
        f"{len(PICTURES)} pictures, {total / 1024:.1f} KB in all, in {arguments.out}\n"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
