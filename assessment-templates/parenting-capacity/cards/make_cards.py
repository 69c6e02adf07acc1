#!/usr/bin/env python3
"""Draws the cue-card pictures of the parenting-capacity template.

The pictures are simple pictograms: white background, thick dark outlines and two or three
flat colours, so that they read clearly when printed in black and white or shown on a
tablet. They are original work of the assess project, released under CC0-1.0 (see LICENSE).

Regenerate them with:

    pip install pillow
    python3 make_cards.py            # writes the PNG files next to this script

Each picture is drawn at four times its size and scaled down, which smooths the edges, then
saved as a small palette PNG (400 x 300 pixels, well under 20 KB).
"""

from __future__ import annotations

import math
import sys
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

W, H = 400, 300
S = 4  # drawing scale (supersampling)

INK = (38, 50, 56)  # outlines
WHITE = (255, 255, 255)
BLUE = (79, 155, 217)
LIGHT_BLUE = (187, 222, 251)
RED = (229, 83, 71)
YELLOW = (255, 202, 40)
GREEN = (102, 187, 106)
ORANGE = (255, 152, 0)
SKIN = (255, 214, 170)
GREY = (176, 190, 197)
PINK = (244, 143, 177)
BROWN = (161, 110, 72)

LINE = 7  # outline width at final size


class Card:
    """A drawing surface in final-size coordinates (400 x 300)."""

    def __init__(self) -> None:
        self.img = Image.new("RGB", (W * S, H * S), WHITE)
        self.d = ImageDraw.Draw(self.img)

    @staticmethod
    def _box(box):
        return [v * S for v in box]

    def rect(self, box, fill=WHITE, width=LINE, radius=0):
        b = self._box(box)
        if radius:
            self.d.rounded_rectangle(b, radius=radius * S, fill=fill, outline=INK, width=width * S)
        else:
            self.d.rectangle(b, fill=fill, outline=INK, width=width * S)

    def ellipse(self, box, fill=WHITE, width=LINE):
        self.d.ellipse(self._box(box), fill=fill, outline=INK if width else None, width=width * S)

    def circle(self, cx, cy, r, fill=WHITE, width=LINE):
        self.ellipse((cx - r, cy - r, cx + r, cy + r), fill=fill, width=width)

    def poly(self, points, fill=WHITE, width=LINE):
        pts = [(x * S, y * S) for x, y in points]
        self.d.polygon(pts, fill=fill)
        if width:
            self.d.line(pts + [pts[0]], fill=INK, width=width * S, joint="curve")
            for x, y in pts:  # round the corners
                r = width * S / 2
                self.d.ellipse((x - r, y - r, x + r, y + r), fill=INK)

    def line(self, points, width=LINE, fill=INK, round_ends=True):
        pts = [(x * S, y * S) for x, y in points]
        self.d.line(pts, fill=fill, width=width * S, joint="curve")
        if round_ends:
            r = width * S / 2
            for x, y in (pts[0], pts[-1]):
                self.d.ellipse((x - r, y - r, x + r, y + r), fill=fill)

    def limb(self, points, width, fill):
        """A thick outlined stroke, e.g. an arm."""
        self.line(points, width=width + 2 * LINE - 2)
        self.line(points, width=width, fill=fill)

    def arc(self, box, start, end, width=LINE, fill=INK):
        self.d.arc(self._box(box), start, end, fill=fill, width=width * S)

    def pie(self, box, start, end, fill, width=LINE):
        self.d.pieslice(self._box(box), start, end, fill=fill, outline=INK, width=width * S)

    def chord(self, box, start, end, fill, width=LINE):
        self.d.chord(self._box(box), start, end, fill=fill, outline=INK, width=width * S)

    def text(self, xy, word, size, fill=INK):
        font = load_font(size * S)
        x, y = xy
        self.d.text((x * S, y * S), word, fill=fill, font=font, anchor="mm")

    def face(self, cx, cy, r, mood="happy", fill=SKIN, eyes_closed=False):
        """A simple round face."""
        self.circle(cx, cy, r, fill=fill)
        ex = r * 0.38
        ey = r * 0.15
        if eyes_closed:
            for sx in (-1, 1):
                self.arc((cx + sx * ex - r * 0.16, cy - ey - r * 0.1, cx + sx * ex + r * 0.16, cy - ey + r * 0.15), 20, 160, width=max(3, LINE - 3))
        else:
            for sx in (-1, 1):
                self.circle(cx + sx * ex, cy - ey, max(3, r * 0.09), fill=INK, width=0)
        if mood == "happy":
            self.arc((cx - r * 0.45, cy - r * 0.25, cx + r * 0.45, cy + r * 0.55), 20, 160, width=max(3, LINE - 2))
        elif mood == "sad":
            self.arc((cx - r * 0.35, cy + r * 0.25, cx + r * 0.35, cy + r * 0.75), 200, 340, width=max(3, LINE - 2))
        elif mood == "crying":
            self.ellipse((cx - r * 0.25, cy + r * 0.2, cx + r * 0.25, cy + r * 0.6), fill=INK, width=0)
            for sx in (-1, 1):  # tears
                tx = cx + sx * (ex + r * 0.05)
                ty = cy + r * 0.1
                self.poly([(tx, ty), (tx - 7, ty + 16), (tx + 7, ty + 16)], fill=BLUE, width=0)
                self.circle(tx, ty + 17, 7, fill=BLUE, width=0)
        elif mood == "calm":
            self.line([(cx - r * 0.2, cy + r * 0.35), (cx + r * 0.2, cy + r * 0.35)], width=max(3, LINE - 2))

    def save(self, path: Path) -> None:
        small = self.img.resize((W, H), Image.LANCZOS)
        pal = small.quantize(colors=48, method=Image.Quantize.FASTOCTREE, dither=Image.Dither.NONE)
        pal.save(path, optimize=True)


_FONTS: dict[int, ImageFont.ImageFont] = {}


def load_font(size: int):
    if size not in _FONTS:
        for name in ("DejaVuSans-Bold.ttf", "LiberationSans-Bold.ttf", "Arial Bold.ttf"):
            try:
                _FONTS[size] = ImageFont.truetype(name, size)
                break
            except OSError:
                continue
        else:
            _FONTS[size] = ImageFont.load_default(size=size)
    return _FONTS[size]


def tick(c: Card, cx, cy, r=26):
    """A green tick in a circle: 'this is the safe way'."""
    c.circle(cx, cy, r, fill=GREEN)
    c.line([(cx - r * 0.45, cy + r * 0.02), (cx - r * 0.1, cy + r * 0.38), (cx + r * 0.5, cy - r * 0.35)], width=LINE, fill=WHITE)


def baby(c: Card, cx, cy, r=30, mood="happy", eyes_closed=False):
    c.face(cx, cy, r, mood=mood, eyes_closed=eyes_closed)
    # a curl of hair
    c.arc((cx - 8, cy - r - 10, cx + 8, cy - r + 6), 180, 360, width=5)


# ---------------------------------------------------------------- the cards


def bath(c: Card):
    # baby bath tub with a baby and a bath thermometer
    c.poly([(60, 150), (300, 150), (280, 250), (80, 250)], fill=LIGHT_BLUE)
    c.line([(60, 150), (300, 150)], width=LINE + 3)
    c.rect((68, 150, 292, 168), fill=BLUE, width=0)
    baby(c, 150, 125, r=34, mood="happy")
    # thermometer on the right
    c.rect((318, 55, 350, 215), fill=WHITE, radius=16)
    c.circle(334, 225, 24, fill=RED)
    c.rect((328, 110, 340, 215), fill=RED, width=0)
    for y in (80, 100, 120, 140, 160, 180):
        c.line([(350, y), (362, y)], width=4)


def bottle(c: Card):
    # a feeding bottle with teat and measuring lines
    c.poly([(182, 40), (218, 40), (228, 78), (172, 78)], fill=YELLOW)  # teat
    c.rect((158, 78, 242, 100), fill=BLUE, radius=6)  # collar
    c.rect((165, 100, 235, 262), fill=WHITE, radius=18)
    c.rect((172, 160, 228, 255), fill=LIGHT_BLUE, width=0, radius=12)
    c.line([(168, 160), (232, 160)], width=4)
    for y in (130, 160, 190, 220):
        c.line([(208, y), (232, y)], width=5)
    # measuring scoop
    c.ellipse((270, 190, 330, 225), fill=WHITE)
    c.line([(300, 207), (362, 172)], width=LINE + 1)


def cooker(c: Card):
    # cooker top with a pan whose handle is turned in, away from the edge
    c.rect((60, 110, 340, 270), fill=WHITE, radius=10)
    c.rect((60, 110, 340, 140), fill=GREY, radius=10)
    c.rect((110, 170, 290, 250), fill=LIGHT_BLUE, radius=8)  # oven door window
    c.line([(120, 160), (280, 160)], width=LINE)  # door handle
    # pan on the hob, handle pointing back and to the side (turned in)
    c.rect((120, 70, 220, 112), fill=RED, radius=10)
    c.line([(220, 80), (268, 52)], width=LINE + 4)
    for x in (140, 170, 200):  # steam
        c.arc((x - 10, 20, x + 10, 45), 90, 270, width=4)
        c.arc((x - 10, 40, x + 10, 65), 270, 90, width=4)
    tick(c, 320, 60)


def stair_gate(c: Card):
    # stairs with a closed gate at the top
    steps = [(40, 270), (40, 230), (110, 230), (110, 190), (180, 190), (180, 150), (250, 150), (250, 110), (360, 110), (360, 270)]
    c.poly(steps, fill=BROWN)
    # the gate
    c.rect((258, 40, 350, 112), fill=WHITE, radius=6)
    for x in (278, 297, 316, 334):
        c.line([(x, 48), (x, 104)], width=5)
    c.rect((262, 36, 346, 48), fill=GREEN, width=LINE - 2)
    tick(c, 80, 70)


def medicine(c: Card):
    # a high wall cupboard with a padlock, medicine bottle inside the open half
    c.rect((90, 40, 310, 200), fill=WHITE, radius=6)
    c.line([(200, 40), (200, 200)], width=LINE)
    # left: medicine bottle on a shelf
    c.line([(100, 150), (195, 150)], width=5)
    c.rect((118, 85, 162, 150), fill=ORANGE, radius=6)
    c.rect((124, 68, 156, 86), fill=WHITE, radius=4)
    c.rect((130, 104, 150, 124), fill=WHITE, width=0)
    c.line([(140, 106), (140, 122)], width=4, fill=RED)
    c.line([(132, 114), (148, 114)], width=4, fill=RED)
    # right door closed with a padlock
    c.arc((215, 95, 255, 140), 180, 360, width=LINE + 1)
    c.rect((208, 118, 262, 165), fill=YELLOW, radius=6)
    c.circle(235, 138, 5, fill=INK, width=0)
    # floor line showing it is up high
    c.line([(40, 270), (360, 270)], width=LINE)
    c.line([(200, 200), (200, 270)], width=3)
    c.line([(190, 262), (200, 270), (210, 262)], width=3)
    c.line([(190, 208), (200, 200), (210, 208)], width=3)


def nappy(c: Card):
    # an open nappy seen from the front
    c.poly([(90, 80), (310, 80), (300, 150), (240, 245), (160, 245), (100, 150)], fill=WHITE)
    c.rect((90, 80, 310, 108), fill=LIGHT_BLUE, radius=8)
    c.rect((70, 92, 110, 122), fill=GREEN, radius=6)  # tabs
    c.rect((290, 92, 330, 122), fill=GREEN, radius=6)
    c.arc((140, 150, 260, 230), 20, 160, width=5)
    # a little wipe packet
    c.rect((300, 200, 370, 255), fill=LIGHT_BLUE, radius=10)
    c.rect((318, 212, 352, 224), fill=WHITE, radius=4, width=4)


def cot(c: Card):
    # cot with a baby on its back, feet to the foot of the cot, no pillows or toys
    c.rect((50, 100, 350, 240), fill=WHITE, radius=4)
    for x in range(80, 340, 30):
        c.line([(x, 104), (x, 150)], width=4)
    c.rect((60, 150, 340, 200), fill=LIGHT_BLUE, width=LINE - 2)  # mattress
    c.line([(50, 240), (50, 270)], width=LINE + 2)
    c.line([(350, 240), (350, 270)], width=LINE + 2)
    baby(c, 110, 130, r=24, eyes_closed=True, mood="calm")
    # blanket tucked to chest
    c.rect((132, 128, 270, 152), fill=YELLOW, radius=8)
    # sleep z
    c.text((180, 60), "z", 34)
    c.text((215, 40), "z", 26)
    tick(c, 320, 50)


def toothbrush(c: Card):
    # a toothbrush with paste, and a tooth
    c.poly([(40, 200), (250, 130), (258, 152), (48, 222)], fill=BLUE)
    c.rect((235, 100, 320, 140), fill=WHITE, radius=4)
    for x in range(245, 315, 12):
        c.line([(x, 104), (x, 136)], width=3)
    c.rect((240, 78, 318, 102), fill=LIGHT_BLUE, radius=12)  # paste (pea-sized blob)
    # tooth
    c.poly([(300, 200), (340, 190), (370, 200), (365, 240), (355, 275), (340, 240), (325, 275), (312, 240)], fill=WHITE)


def clock(c: Card):
    # a wall clock
    c.circle(200, 150, 110, fill=WHITE)
    for i in range(12):
        a = math.radians(i * 30)
        x1, y1 = 200 + 90 * math.sin(a), 150 - 90 * math.cos(a)
        x2, y2 = 200 + 100 * math.sin(a), 150 - 100 * math.cos(a)
        c.line([(x1, y1), (x2, y2)], width=6 if i % 3 == 0 else 3)
    c.line([(200, 150), (200, 78)], width=LINE + 1)
    c.line([(200, 150), (250, 175)], width=LINE + 3)
    c.circle(200, 150, 10, fill=RED)
    c.chord((125, 60, 275, 130), 200, 340, fill=YELLOW, width=0)


def bedtime(c: Card):
    # a bed with a child asleep, a moon and a book on the side
    c.rect((50, 150, 300, 230), fill=WHITE, radius=6)
    c.rect((40, 110, 66, 260), fill=BROWN, radius=4)
    c.rect((290, 150, 312, 260), fill=BROWN, radius=4)
    c.rect((120, 150, 290, 200), fill=BLUE, radius=10)  # duvet
    c.face(95, 150, 28, mood="calm", eyes_closed=True)
    # moon and stars
    c.pie((290, 20, 370, 100), 90, 270, fill=YELLOW)
    c.ellipse((312, 20, 392, 100), fill=WHITE, width=0)
    c.arc((290, 20, 370, 100), 90, 270, width=LINE)
    c.arc((312, 20, 392, 100), 130, 230, width=LINE)
    for x, y in ((200, 50), (250, 90)):
        c.line([(x - 10, y), (x + 10, y)], width=5)
        c.line([(x, y - 10), (x, y + 10)], width=5)
    # book on a bedside table
    c.rect((320, 200, 380, 260), fill=WHITE, width=LINE - 1)
    c.rect((328, 180, 372, 200), fill=RED, width=5)


def car_seat(c: Card):
    # a baby car seat (infant carrier) seen from the side, with its carry handle and harness
    c.chord((70, 80, 330, 270), 0, 180, fill=GREY)  # the shell
    c.line([(70, 175), (330, 175)], width=LINE)
    c.arc((95, 50, 305, 260), 180, 360, width=LINE + 6)  # carry handle
    c.ellipse((120, 145, 300, 240), fill=LIGHT_BLUE)  # padded seat
    baby(c, 180, 165, r=30)
    c.limb([(160, 196), (180, 230)], 8, YELLOW)  # harness straps meeting at the buckle
    c.limb([(200, 196), (180, 230)], 8, YELLOW)
    c.rect((170, 222, 190, 240), fill=YELLOW, width=4, radius=3)
    c.rect((60, 268, 340, 282), fill=INK, width=0, radius=6)  # the base it clicks into
    tick(c, 345, 50)


def crying_baby(c: Card):
    baby(c, 200, 140, r=80, mood="crying")
    # sound lines
    for sx in (-1, 1):
        for k, rr in enumerate((110, 130)):
            c.arc((200 - rr, 140 - rr, 200 + rr, 140 + rr), 340 if sx > 0 else 160, 20 if sx > 0 else 200, width=6)


def hug(c: Card):
    # an adult holding a child close, with a heart
    c.chord((70, 160, 290, 380), 180, 360, fill=BLUE)  # adult's body
    c.face(180, 105, 52, mood="happy")
    c.ellipse((195, 172, 305, 290), fill=YELLOW)  # child's body
    c.face(250, 150, 36, mood="happy")
    c.limb([(110, 215), (180, 255), (270, 250)], 26, BLUE)  # arm around the child
    c.circle(284, 246, 16, fill=SKIN)
    c.line([(40, 270), (360, 270)], width=LINE)
    # heart
    c.circle(322, 58, 20, fill=RED, width=0)
    c.circle(352, 58, 20, fill=RED, width=0)
    c.poly([(304, 66), (370, 66), (337, 104)], fill=RED, width=0)


def toys_books(c: Card):
    # a picture book, building blocks and a ball
    c.poly([(40, 90), (150, 110), (150, 250), (40, 230)], fill=WHITE)
    c.poly([(150, 110), (260, 90), (260, 230), (150, 250)], fill=WHITE)
    c.circle(95, 150, 22, fill=YELLOW)
    c.poly([(180, 200), (210, 140), (240, 200)], fill=GREEN)
    c.rect((280, 200, 340, 260), fill=RED, radius=4)
    c.rect((300, 140, 360, 200), fill=BLUE, radius=4)
    c.circle(320, 80, 34, fill=YELLOW)
    c.arc((286, 46, 354, 114), 200, 340, width=5)


def fruit_veg(c: Card):
    # an apple, a head of broccoli and a carrot
    c.circle(100, 175, 62, fill=RED)
    c.line([(100, 115), (108, 85)], width=LINE)
    c.ellipse((110, 82, 150, 104), fill=GREEN)
    c.poly([(192, 260), (200, 180), (222, 180), (232, 260)], fill=GREEN)  # broccoli stalk
    for x, y, r in ((180, 150, 30), (240, 150, 30), (210, 120, 34), (210, 165, 26)):
        c.circle(x, y, r, fill=GREEN)
    c.poly([(290, 260), (330, 100), (366, 110)], fill=ORANGE)
    for x, y in ((322, 150), (310, 200)):
        c.line([(x, y), (x + 14, y + 4)], width=4)
    for dx in (-16, 0, 16):
        c.line([(348, 104), (348 + dx, 66)], width=6, fill=GREEN)


def phone(c: Card):
    # a mobile phone ringing the NHS 111 number
    c.rect((140, 30, 260, 270), fill=WHITE, radius=18)
    c.rect((152, 60, 248, 220), fill=LIGHT_BLUE, width=LINE - 2)
    c.text((200, 140), "111", 40)
    c.circle(200, 245, 10, fill=GREEN)
    for k, rr in enumerate((40, 62)):
        c.arc((260 - rr, 70 - rr, 260 + rr, 70 + rr), 300, 360, width=6)
        c.arc((140 - rr, 70 - rr, 140 + rr, 70 + rr), 180, 240, width=6)


def supporters(c: Card):
    # a parent (centre) with a group of people who help
    people = [(80, 130, GREEN, 30), (320, 130, GREEN, 30), (140, 110, YELLOW, 34), (260, 110, YELLOW, 34), (200, 120, BLUE, 42)]
    for x, y, col, r in people:
        c.chord((x - r * 1.6, y + r * 0.9, x + r * 1.6, y + r * 5.2), 180, 360, fill=col)
        c.face(x, y, r, mood="happy")


def temperature(c: Card):
    # a digital thermometer next to a poorly child
    baby(c, 130, 150, r=70, mood="sad")
    c.rect((75, 140, 95, 150), fill=RED, width=0)  # flushed cheeks
    c.rect((165, 140, 185, 150), fill=RED, width=0)
    c.poly([(240, 240), (340, 90), (365, 106), (265, 256)], fill=WHITE)
    c.rect((290, 150, 320, 170), fill=LIGHT_BLUE, width=4)
    c.circle(252, 250, 12, fill=RED)


def calendar(c: Card):
    # a calendar page with a day ringed
    c.rect((80, 50, 320, 270), fill=WHITE, radius=10)
    c.rect((80, 50, 320, 100), fill=BLUE, radius=10)
    for x in (130, 270):
        c.line([(x, 35), (x, 65)], width=LINE + 2)
    for row in range(3):
        for col in range(5):
            x = 110 + col * 45
            y = 130 + row * 45
            c.rect((x - 12, y - 12, x + 12, y + 12), fill=GREY, width=0)
    c.circle(200, 175, 24, fill=None if False else WHITE, width=0)
    c.arc((170, 145, 230, 205), 0, 360, width=LINE, fill=RED)


def smoke_alarm(c: Card):
    # a ceiling smoke alarm with a test button and a light
    c.line([(20, 40), (380, 40)], width=LINE)
    c.chord((100, -40, 300, 140), 0, 180, fill=WHITE)
    c.circle(200, 85, 18, fill=RED)
    for x in (140, 170, 230, 260):
        c.line([(x, 60), (x, 78)], width=5)
    for rr in (80, 110):
        c.arc((200 - rr, 110 - rr, 200 + rr, 110 + rr), 45, 135, width=6)
    tick(c, 200, 250)


def road(c: Card):
    # an adult holding a child's hand at the kerb
    c.rect((0, 250, 400, 300), fill=GREY, width=0)
    c.line([(0, 250), (400, 250)], width=LINE)
    for x in (40, 140, 240, 340):
        c.rect((x, 270, x + 50, 282), fill=WHITE, width=0)
    # adult
    c.rect((110, 120, 170, 240), fill=BLUE, radius=20)
    c.face(140, 85, 30)
    # child
    c.rect((230, 170, 270, 240), fill=YELLOW, radius=14)
    c.face(250, 145, 22)
    c.line([(170, 150), (205, 190), (232, 185)], width=LINE + 1)
    c.circle(212, 190, 10, fill=SKIN)


def sun(c: Card):
    # sun, hat and sun cream
    c.circle(100, 100, 45, fill=YELLOW)
    for i in range(8):
        a = math.radians(i * 45)
        c.line([(100 + 62 * math.cos(a), 100 + 62 * math.sin(a)), (100 + 82 * math.cos(a), 100 + 82 * math.sin(a))], width=LINE)
    c.ellipse((190, 170, 370, 220), fill=GREEN)  # hat brim
    c.chord((225, 120, 335, 220), 180, 360, fill=GREEN)
    c.rect((80, 200, 130, 280), fill=ORANGE, radius=10)
    c.rect((92, 180, 118, 200), fill=WHITE, radius=4)


def star(c: Card):
    # a reward star chart
    c.rect((60, 40, 340, 270), fill=WHITE, radius=8)
    def draw_star(cx, cy, r, fill):
        pts = []
        for i in range(10):
            rr = r if i % 2 == 0 else r * 0.45
            a = math.radians(-90 + i * 36)
            pts.append((cx + rr * math.cos(a), cy + rr * math.sin(a)))
        c.poly(pts, fill=fill, width=LINE - 2)
    for i, x in enumerate((110, 170, 230, 290)):
        for j, y in enumerate((110, 200)):
            if j == 0 or i < 2:
                draw_star(x, y, 32, YELLOW)
            else:
                c.circle(x, y, 22, fill=GREY, width=0)


def money(c: Card):
    # a purse with coins and a note
    c.rect((70, 120, 270, 250), fill=RED, radius=18)
    c.arc((110, 70, 230, 170), 180, 360, width=LINE + 1)
    c.circle(170, 180, 14, fill=YELLOW)
    c.rect((230, 70, 350, 140), fill=GREEN, radius=6)
    c.circle(290, 105, 18, fill=WHITE, width=4)
    for x, y in ((300, 230), (340, 240), (320, 200)):
        c.circle(x, y, 24, fill=YELLOW)


CARDS = {
    "bath": bath,
    "bottle": bottle,
    "cooker": cooker,
    "stair_gate": stair_gate,
    "medicine": medicine,
    "nappy": nappy,
    "cot": cot,
    "toothbrush": toothbrush,
    "clock": clock,
    "bedtime": bedtime,
    "car_seat": car_seat,
    "crying_baby": crying_baby,
    "hug": hug,
    "toys_books": toys_books,
    "fruit_veg": fruit_veg,
    "phone": phone,
    "supporters": supporters,
    "temperature": temperature,
    "calendar": calendar,
    "smoke_alarm": smoke_alarm,
    "road": road,
    "sun": sun,
    "star": star,
    "money": money,
}


def main(argv: list[str]) -> int:
    out = Path(argv[1]) if len(argv) > 1 else Path(__file__).resolve().parent
    out.mkdir(parents=True, exist_ok=True)
    for name, draw in CARDS.items():
        c = Card()
        draw(c)
        path = out / f"{name}.png"
        c.save(path)
        print(f"{path.name}: {path.stat().st_size} bytes")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
