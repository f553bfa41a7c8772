#!/usr/bin/env python3
"""Draw the demo images of the Hôpital du Val-Clair blog.

Calm, abstract illustrations made only of shapes and gradients (no text):

- one 1200x800 JPEG per post image, in static/images/
- one 400x400 JPEG portrait per author, in static/images/authors/
- static/images/logo.png (256x256, transparent background)
- static/favicon.ico and static/favicon.svg
- a few of the post images as a phone would have taken them (PHOTOS): larger, with lens softness, light
  fall-off and sensor grain, carrying what a phone writes into a photo (EXIF with the GPS position, the
  camera, its serial number, the date and the owner; XMP; IPTC; a comment; an embedded thumbnail), one
  stored sideways with an EXIF orientation, one as HEIC. The build must publish them clean.

The output is deterministic: every random choice uses a fixed seed.
Run from anywhere:  python3 scripts/make_demo_images.py
Requires Pillow and pillow-heif (pip install pillow pillow-heif).
"""

from __future__ import annotations

import io
import math
import random
import struct
from pathlib import Path

from PIL import ExifTags, Image, ImageChops, ImageDraw, ImageFilter

ROOT = Path(__file__).resolve().parent.parent
STATIC = ROOT / "static"
IMAGES = STATIC / "images"
AUTHORS = IMAGES / "authors"

W, H = 1200, 800  # final size of post images
S = 2  # supersampling factor: draw at 2x, then downscale (anti-aliasing)
JPEG_QUALITY = 80
MAX_POST_BYTES = 120 * 1024
MAX_PORTRAIT_BYTES = 40 * 1024

Color = tuple  # (r, g, b) or (r, g, b, a)


def hex2rgb(value: str) -> tuple[int, int, int]:
    value = value.lstrip("#")
    return tuple(int(value[i : i + 2], 16) for i in (0, 2, 4))


def mix(a: Color, b: Color, t: float) -> tuple[int, ...]:
    return tuple(round(x + (y - x) * t) for x, y in zip(a, b, strict=False))


# ---------------------------------------------------------------------------
# Canvas: coordinates are given in final-size units and scaled by S inside.
# ---------------------------------------------------------------------------


class Canvas:
    def __init__(self, width: int, height: int, background: Image.Image | None = None):
        self.w, self.h = width, height
        if background is None:
            background = Image.new("RGB", (width * S, height * S), "white")
        self.img = background.convert("RGBA")

    # -- layers ------------------------------------------------------------
    def layer(self) -> tuple[Image.Image, ImageDraw.ImageDraw]:
        im = Image.new("RGBA", self.img.size, (0, 0, 0, 0))
        return im, ImageDraw.Draw(im)

    def paste(self, layer: Image.Image) -> None:
        self.img = Image.alpha_composite(self.img, layer)

    @property
    def draw(self) -> ImageDraw.ImageDraw:
        return ImageDraw.Draw(self.img)

    # -- primitives (all coordinates in final units) -------------------------
    @staticmethod
    def s(v: float) -> float:
        return v * S

    def pts(self, points):
        return [(x * S, y * S) for x, y in points]

    def circle(self, cx, cy, r, fill, d=None):
        d = d or self.draw
        d.ellipse([(cx - r) * S, (cy - r) * S, (cx + r) * S, (cy + r) * S], fill=fill)

    def ellipse(self, box, fill, d=None):
        d = d or self.draw
        d.ellipse([v * S for v in box], fill=fill)

    def rect(self, box, fill, radius=0, d=None):
        d = d or self.draw
        box = [v * S for v in box]
        if radius:
            d.rounded_rectangle(box, radius=radius * S, fill=fill)
        else:
            d.rectangle(box, fill=fill)

    def poly(self, points, fill, d=None):
        d = d or self.draw
        d.polygon(self.pts(points), fill=fill)

    def line(self, points, fill, width, d=None, round_caps=True):
        d = d or self.draw
        p = self.pts(points)
        d.line(p, fill=fill, width=round(width * S), joint="curve")
        if round_caps:
            r = width * S / 2
            for x, y in (p[0], p[-1]):
                d.ellipse([x - r, y - r, x + r, y + r], fill=fill)

    def arc(self, box, start, end, fill, width, d=None):
        d = d or self.draw
        d.arc([v * S for v in box], start, end, fill=fill, width=round(width * S))

    def pieslice(self, box, start, end, fill, d=None):
        d = d or self.draw
        d.pieslice([v * S for v in box], start, end, fill=fill)

    def glow(self, cx, cy, r, color, alpha=110, blur=40):
        lay, d = self.layer()
        self.circle(cx, cy, r, (*color, alpha), d)
        self.paste(lay.filter(ImageFilter.GaussianBlur(blur * S)))

    # -- output --------------------------------------------------------------
    def final(self, size=None) -> Image.Image:
        size = size or (self.w, self.h)
        return self.img.convert("RGB").resize(size, Image.LANCZOS)


def gradient(width, height, top, bottom, angle=0) -> Image.Image:
    """Linear gradient from `top` to `bottom`, rotated by `angle` degrees."""
    w, h = width * S, height * S
    diag = int(math.hypot(w, h)) + 4
    mask = Image.linear_gradient("L").resize((diag, diag))
    if angle:
        mask = mask.rotate(angle, resample=Image.BICUBIC, expand=False)
    left, upper = (diag - w) // 2, (diag - h) // 2
    mask = mask.crop((left, upper, left + w, upper + h))
    a = Image.new("RGB", (w, h), hex2rgb(top) if isinstance(top, str) else top)
    b = Image.new("RGB", (w, h), hex2rgb(bottom) if isinstance(bottom, str) else bottom)
    return Image.composite(b, a, mask)


def canvas(top, bottom, angle=0) -> Canvas:
    return Canvas(W, H, gradient(W, H, top, bottom, angle))


# ---------------------------------------------------------------------------
# Pictograms
# ---------------------------------------------------------------------------


def heart_points(cx, cy, size, steps=120):
    """Classic parametric heart; `size` is about the half-width."""
    pts = []
    for i in range(steps):
        t = 2 * math.pi * i / steps
        x = 16 * math.sin(t) ** 3
        y = 13 * math.cos(t) - 5 * math.cos(2 * t) - 2 * math.cos(3 * t) - math.cos(4 * t)
        pts.append((cx + x * size / 16, cy - y * size / 16))
    return pts


def heart(c: Canvas, cx, cy, size, fill, d=None):
    c.poly(heart_points(cx, cy, size), fill, d)


def drop_points(cx, cy, r, steps=120):
    """Teardrop with its round part centred on (cx, cy) and the tip upwards."""
    pts = []
    for i in range(steps):
        t = 2 * math.pi * i / steps
        x = r * math.sin(t) * math.sin(t / 2) ** 1.3
        y = r * 1.55 * math.cos(t) * 0.95
        pts.append((cx + x * 1.45, cy - y + r * 0.45))
    return pts


def crescent(c: Canvas, cx, cy, r, fill, offset=(0.42, -0.22)):
    """Crescent moon: a disc minus an offset disc, drawn through a mask."""
    mask = Image.new("L", c.img.size, 0)
    md = ImageDraw.Draw(mask)
    c.circle(cx, cy, r, 255, md)
    c.circle(cx + r * offset[0], cy + r * offset[1], r * 0.86, 0, md)
    lay = Image.new("RGBA", c.img.size, fill if len(fill) == 4 else (*fill, 255))
    empty = Image.new("RGBA", c.img.size, (0, 0, 0, 0))
    c.paste(Image.composite(lay, empty, mask))


def star(c: Canvas, cx, cy, r, fill, points=4, inner=0.38, d=None):
    pts = []
    for i in range(points * 2):
        a = math.pi * i / points - math.pi / 2
        rr = r if i % 2 == 0 else r * inner
        pts.append((cx + rr * math.cos(a), cy + rr * math.sin(a)))
    c.poly(pts, fill, d)


def sun(c: Canvas, cx, cy, r, fill, ray_fill=None, rays=12, ray_len=0.45, ray_w=0.16):
    ray_fill = ray_fill or fill
    for i in range(rays):
        a = 2 * math.pi * i / rays
        r0, r1 = r * 1.22, r * (1.22 + ray_len)
        c.line(
            [(cx + r0 * math.cos(a), cy + r0 * math.sin(a)), (cx + r1 * math.cos(a), cy + r1 * math.sin(a))],
            ray_fill,
            r * ray_w,
        )
    c.circle(cx, cy, r, fill)


def leaf(c: Canvas, cx, cy, length, width, angle, fill, vein):
    """A leaf made of two arcs (vesica) with a central vein, rotated by `angle`."""
    pts = []
    steps = 60
    for i in range(steps + 1):
        t = i / steps
        pts.append((-length / 2 + length * t, -width / 2 * math.sin(math.pi * t) ** 0.9))
    for i in range(steps + 1):
        t = 1 - i / steps
        pts.append((-length / 2 + length * t, width / 2 * math.sin(math.pi * t) ** 0.9))
    ca, sa = math.cos(math.radians(angle)), math.sin(math.radians(angle))

    def rot(p):
        return (cx + p[0] * ca - p[1] * sa, cy + p[0] * sa + p[1] * ca)

    c.poly([rot(p) for p in pts], fill)
    c.line([rot((-length / 2 - length * 0.12, 0)), rot((length * 0.38, 0))], vein, width * 0.05)
    for k in (-0.2, 0.0, 0.2):
        x0 = length * k
        for sgn in (-1, 1):
            c.line([rot((x0, 0)), rot((x0 + length * 0.14, sgn * width * 0.28))], vein, width * 0.035)


def hand(c: Canvas, cx, cy, scale, angle, fill, mirror=False):
    """Open hand pictogram (palm + four fingers + thumb), drawn on its own layer."""
    size = int(420 * scale * S)
    lay = Image.new("RGBA", (size, size), (0, 0, 0, 0))
    d = ImageDraw.Draw(lay)
    u = size / 420  # local unit

    def rr(x0, y0, x1, y1, r):
        d.rounded_rectangle([x0 * u, y0 * u, x1 * u, y1 * u], radius=r * u, fill=fill)

    rr(130, 190, 300, 370, 55)  # palm
    fingers = [(132, 80), (174, 50), (216, 58), (258, 100)]
    for x, top in fingers:
        rr(x, top, x + 38, 250, 19)
    # thumb: a thick bar with round ends, from the palm up and outwards
    base, tip, r = (160 * u, 310 * u), (88 * u, 205 * u), 20 * u
    d.line([base, tip], fill=fill, width=int(2 * r))
    for x, y in (base, tip):
        d.ellipse([x - r, y - r, x + r, y + r], fill=fill)
    if mirror:
        lay = lay.transpose(Image.FLIP_LEFT_RIGHT)
    lay = lay.rotate(angle, resample=Image.BICUBIC)
    full = Image.new("RGBA", c.img.size, (0, 0, 0, 0))
    full.paste(lay, (int(cx * S - size / 2), int(cy * S - size / 2)), lay)
    c.paste(full)


def tree(c: Canvas, x, ground, r, leaves, trunk):
    c.rect([x - r * 0.12, ground - r * 1.2, x + r * 0.12, ground], trunk, radius=r * 0.08)
    c.circle(x, ground - r * 1.6, r, leaves)


def hills(c: Canvas, base, color, amplitude, phase, period=900, step=10):
    pts = [(0, H)]
    for x in range(0, W + step, step):
        pts.append((x, base - amplitude * (0.5 + 0.5 * math.sin(2 * math.pi * x / period + phase))))
    pts.append((W, H))
    c.poly(pts, color)


def wave_line(c, x0, x1, y, amp, period, phase, color, width, step=6):
    pts = [(x, y + amp * math.sin(2 * math.pi * x / period + phase)) for x in range(int(x0), int(x1) + 1, step)]
    c.line(pts, color, width)


# ---------------------------------------------------------------------------
# Post images (one function per file; alt texts in the posts describe these)
# ---------------------------------------------------------------------------


def img_angiologie():
    c = canvas("#eaf3fb", "#c9def2", angle=20)
    rnd = random.Random(101)
    colors = ["#3b6fb6", "#5a86c8", "#6c5bb0", "#8a74c9", "#2f5c9e", "#7f9fd8"]
    for i in range(9):
        y = 120 + i * 70 + rnd.uniform(-15, 15)
        wave_line(c, -40, 1240, y, rnd.uniform(25, 55), rnd.uniform(500, 900), rnd.uniform(0, 6.28),
                  (*hex2rgb(rnd.choice(colors)), 255), rnd.uniform(8, 20))
    return c


def img_preanesthesie():
    c = canvas("#6d5ba8", "#1f3466", angle=0)
    rnd = random.Random(202)
    c.glow(600, 400, 260, (150, 170, 255), alpha=90, blur=50)
    c.circle(600, 400, 200, hex2rgb("#15244d"))
    for _ in range(38):
        a = rnd.uniform(0, 2 * math.pi)
        dist = rnd.uniform(250, 520)
        x, y = 600 + dist * math.cos(a) * 1.25, 400 + dist * math.sin(a) * 0.8
        star(c, x, y, rnd.uniform(6, 16), (255, 248, 220))
    crescent(c, 910, 170, 70, hex2rgb("#f6e7a8"))
    return c


def img_urgences():
    c = canvas("#f1f7fd", "#cfe3f5")
    c.rect([470, 300, 730, 560], hex2rgb("#0b5cad"), radius=48)
    c.rect([570, 340, 630, 520], (255, 255, 255), radius=10)
    c.rect([510, 400, 690, 460], (255, 255, 255), radius=10)
    ecg = [(0, 220), (330, 220), (380, 220), (410, 170), (440, 250), (480, 220), (560, 220), (600, 80),
           (650, 300), (690, 220), (780, 220), (820, 190), (860, 220), (1200, 220)]
    c.line(ecg, hex2rgb("#d62839"), 12)
    return c


def img_maternite():
    c = canvas("#ffe9dc", "#ffc9b0", angle=-15)
    c.glow(600, 470, 300, (255, 255, 255), alpha=120, blur=50)
    c.arc([290, 170, 910, 790], 190, 350, hex2rgb("#e77f9a"), 34)
    c.circle(540, 500, 150, hex2rgb("#f08a5d"))
    c.circle(705, 560, 85, hex2rgb("#f7b267"))
    return c


def img_reeducation_hanche():
    c = canvas("#e6f4dd", "#b9dfae", angle=10)
    sun(c, 1010, 170, 80, hex2rgb("#f7c948"))
    rnd = random.Random(303)
    foot = hex2rgb("#2e6b4f")
    x, y = 140, 700
    for i in range(11):
        side = -1 if i % 2 == 0 else 1
        fx, fy = x + side * 16, y + side * 10
        ang = math.radians(-28)
        # sole + toes, slightly rotated along the path direction
        c.ellipse([fx - 20, fy - 32, fx + 20, fy + 26], foot)
        for _k, (dx, dy, r) in enumerate([(-14, -44, 7), (-3, -50, 7.5), (8, -49, 6.5), (17, -43, 5.5)]):
            c.circle(fx + dx * math.cos(ang) - dy * math.sin(ang) * 0.1, fy + dy, r, foot)
        x += 72 + rnd.uniform(-4, 4)
        y -= 44 + rnd.uniform(-4, 4)
    return c


def img_sclerotherapie():
    c = canvas("#ffffff", "#bfe0f7", angle=90)
    lay, d = c.layer()
    rnd = random.Random(404)

    def branch(x, y, ang, length, width, depth):
        if depth == 0 or length < 12:
            return
        x2 = x + length * math.cos(ang)
        y2 = y + length * math.sin(ang)
        c.line([(x, y), ((x + x2) / 2 + rnd.uniform(-12, 12), (y + y2) / 2 + rnd.uniform(-12, 12)), (x2, y2)],
               (44, 96, 170, 255), width, d)
        branch(x2, y2, ang + rnd.uniform(-0.35, -0.1), length * 0.85, width * 0.75, depth - 1)
        if rnd.random() < 0.7:
            branch(x2, y2, ang + rnd.uniform(0.1, 0.35), length * 0.75, width * 0.65, depth - 1)

    for y0, a0 in ((200, 0.12), (400, 0.0), (600, -0.12)):
        branch(-20, y0, a0, 230, 16, 6)
    # fade the veins out towards the right (opaque on the left)
    fade = Image.linear_gradient("L").rotate(-90).resize(lay.size)
    fade = fade.point(lambda v: min(255, int(v * 1.4)))
    alpha = Image.composite(lay.getchannel("A"), Image.new("L", lay.size, 0), fade)
    lay.putalpha(alpha)
    c.paste(lay)
    return c


def img_varices():
    c = canvas("#eef6ff", "#d6e8fb")
    # green wave behind
    pts = [(0, 800)] + [(x, 560 - 60 * math.sin(x / 190)) for x in range(0, 1201, 10)] + [(1200, 800)]
    c.poly(pts, hex2rgb("#8cc7a1"))
    legs = [(470, 100), (640, 110)]
    for i, (x, top) in enumerate(legs):
        c.rect([x, top, x + 120, 760], hex2rgb("#a9cdf0"), radius=60)
        pts = [(x + 60 + 22 * math.sin(y / 38 + i * 2), y) for y in range(top + 60, 720, 6)]
        c.line(pts, hex2rgb("#1f4e8c"), 10)
    return c


def img_sport_post_partum():
    c = canvas("#fff8ec", "#f6e3c8", angle=-10)
    colors = ["#f08a5d", "#f4a6a6", "#e8c07d"]
    for i, col in enumerate(colors):
        r = 330 - i * 75
        c.arc([600 - r, 760 - r, 600 + r, 760 + r], 180, 360, hex2rgb(col), 44)
    leaf(c, 600, 230, 300, 140, -35, hex2rgb("#4f9d69"), hex2rgb("#e9f5e3"))
    return c


def img_sommeil():
    c = canvas("#0f1d40", "#2d4b8a")
    rnd = random.Random(505)
    for _ in range(45):
        star(c, rnd.uniform(20, 1180), rnd.uniform(20, 430), rnd.uniform(3, 9), (255, 250, 230), points=4)
    c.glow(820, 200, 120, (250, 240, 190), alpha=70, blur=40)
    crescent(c, 820, 200, 95, hex2rgb("#f8eeb4"))
    hills(c, 620, hex2rgb("#3b5fa0"), 90, 0.5, 1100)
    hills(c, 700, hex2rgb("#27467f"), 70, 2.2, 800)
    hills(c, 770, hex2rgb("#1a3163"), 40, 4.0, 700)
    return c


def img_soleil():
    c = canvas("#9fd3f5", "#e8f6ff")
    c.glow(600, 230, 200, (255, 220, 120), alpha=120, blur=50)
    sun(c, 600, 230, 120, hex2rgb("#f9b233"), hex2rgb("#f7c948"), rays=14, ray_len=0.5, ray_w=0.2)
    # sand
    c.rect([0, 640, 1200, 800], hex2rgb("#f3dfb3"))
    # parasol: canopy (half disc with scalloped rim) + pole
    c.line([(600, 520), (640, 760)], hex2rgb("#7a5c3e"), 12)
    c.pieslice([400, 420, 800, 660], 180, 360, hex2rgb("#1fa5a5"))
    for k in range(4):
        x0 = 400 + k * 100
        c.pieslice([x0, 505, x0 + 100, 575], 0, 180, hex2rgb("#1fa5a5"))
    c.pieslice([560, 420, 640, 660], 180, 360, hex2rgb("#63c7c2"))
    return c


def img_chutes():
    c = canvas("#eef7e9", "#d3ead0")
    c.rect([0, 560, 1200, 566], hex2rgb("#9cbf98"))
    # cupped blue shape holding the house
    c.pieslice([380, 330, 820, 770], 0, 180, hex2rgb("#3f7fc4"))
    c.pieslice([430, 380, 770, 700], 0, 180, hex2rgb("#dcefd8"))
    # house
    c.rect([500, 330, 700, 540], hex2rgb("#f08a4b"))
    c.poly([(470, 340), (600, 220), (730, 340)], hex2rgb("#c85f2a"))
    c.rect([575, 430, 625, 540], hex2rgb("#8a3d1a"), radius=8)
    c.rect([520, 370, 560, 410], hex2rgb("#fff3c4"), radius=4)
    c.rect([640, 370, 680, 410], hex2rgb("#fff3c4"), radius=4)
    return c


def img_chutes_maison():
    c = canvas("#fbf7ef", "#efe6d6")
    c.rect([0, 650, 1200, 800], hex2rgb("#d9c8aa"))  # floor
    # staircase
    steps = 6
    pts = [(160, 650)]
    for i in range(steps):
        x = 160 + i * 70
        y = 650 - (i + 1) * 70
        pts += [(x, y), (x + 70, y)]
    pts += [(160 + steps * 70, 650)]
    c.poly(pts, hex2rgb("#4f9d69"))
    c.line([(150, 560), (590, 120)], hex2rgb("#2e5e40"), 10)  # handrail
    for i in range(0, steps, 2):
        x = 195 + i * 70
        c.line([(x, 650 - (i + 1) * 70), (x, 560 - i * 70 - 35)], hex2rgb("#2e5e40"), 6)
    # lamp
    c.glow(870, 300, 120, (255, 225, 120), alpha=140, blur=45)
    c.line([(870, 330), (870, 640)], hex2rgb("#6b6b6b"), 10)
    c.rect([830, 635, 910, 652], hex2rgb("#6b6b6b"), radius=6)
    c.poly([(820, 330), (920, 330), (895, 240), (845, 240)], hex2rgb("#f7c948"))
    # rug crossed out
    c.rect([820, 690, 1100, 760], hex2rgb("#c77d9b"), radius=14)
    c.line([(830, 680), (1090, 770)], hex2rgb("#6d6d6d"), 14)
    c.line([(830, 770), (1090, 680)], hex2rgb("#6d6d6d"), 14)
    return c


def img_hygiene_mains():
    c = canvas("#bff0ea", "#4fb8c2", angle=25)
    rnd = random.Random(606)
    for _ in range(26):
        r = rnd.uniform(12, 55)
        x, y = rnd.uniform(60, 1140), rnd.uniform(60, 740)
        lay, d = c.layer()
        c.circle(x, y, r, (255, 255, 255, 90), d)
        c.arc([x - r, y - r, x + r, y + r], 200, 260, (255, 255, 255, 220), max(2, r * 0.12), d)
        c.paste(lay)
    hand(c, 470, 430, 1.35, 12, (*hex2rgb("#e2f3ff"), 255))
    hand(c, 730, 430, 1.35, -12, (*hex2rgb("#b8dcf5"), 255), mirror=True)
    return c


def img_conference_coeur():
    c = canvas("#fff1f1", "#f9d3d6")
    heart(c, 600, 300, 170, hex2rgb("#d63447"))
    rows = [(560, 70, "#e8d6c0"), (660, 75, "#dcc6ab"), (760, 80, "#cfb595")]
    for i, (y, r, col) in enumerate(rows):
        offset = 0 if i % 2 == 0 else r
        x = -r + offset
        while x < W + r:
            c.pieslice([x - r * 0.55, y - r * 0.55, x + r * 0.55, y + r * 0.55], 0, 360, hex2rgb(col))
            c.pieslice([x - r, y + r * 0.25, x + r, y + r * 2.2], 180, 360, hex2rgb(col))
            x += r * 2.1
    return c


def img_conference_memoire():
    c = canvas("#eef1fb", "#d5dcf3")
    # a head in profile, facing right, with a small network of memories inside
    c.ellipse([420, 90, 800, 470], hex2rgb("#9fb7e6"))
    c.poly([(700, 330), (790, 380), (720, 420)], hex2rgb("#9fb7e6"))  # nose and chin
    c.rect([500, 400, 660, 520], hex2rgb("#9fb7e6"), radius=30)  # neck
    rnd = random.Random(2027)
    nodes = [(530 + 60 * (i % 4) + rnd.randint(-15, 15), 170 + 60 * (i // 4) + rnd.randint(-15, 15)) for i in range(11)]
    for (x0, y0), (x1, y1) in zip(nodes, nodes[1:] + nodes[:1], strict=True):
        c.line([(x0, y0), (x1, y1)], hex2rgb("#ffffff"), 4)
    palette = ["#f7c948", "#e77f9a", "#4fb8c2", "#6c5bb0", "#f08a5d"]
    for i, (x, y) in enumerate(nodes):
        c.circle(x, y, 16, hex2rgb(palette[i % len(palette)]))
    rows = [(600, 70, "#c9cfe3"), (690, 75, "#b8bfd8"), (780, 80, "#a6aecb")]
    for i, (y, r, col) in enumerate(rows):
        x = -r + (0 if i % 2 == 0 else r)
        while x < W + r:
            c.pieslice([x - r * 0.55, y - r * 0.55, x + r * 0.55, y + r * 0.55], 0, 360, hex2rgb(col))
            c.pieslice([x - r, y + r * 0.25, x + r, y + r * 2.2], 180, 360, hex2rgb(col))
            x += r * 2.1
    return c


def img_concert_avent():
    c = canvas("#1c2b57", "#0e1733")
    rnd = random.Random(1213)
    for _ in range(26):
        star(c, rnd.randint(40, 1160), rnd.randint(30, 330), rnd.randint(6, 16), hex2rgb("#f7d774"))
    c.ellipse([230, 540, 970, 720], hex2rgb("#1f5c3a"))  # the wreath
    c.ellipse([330, 575, 870, 685], hex2rgb("#0e1733"))
    for i in range(36):  # leaves along the ring
        a = 2 * math.pi * i / 36
        c.circle(600 + 320 * math.cos(a), 630 + 70 * math.sin(a), 22, hex2rgb("#2f7d4e" if i % 2 else "#3f8f52"))
    for x, top in ((380, 420), (520, 400), (680, 400), (820, 420)):
        c.glow(x, top - 40, 60, (255, 214, 102), alpha=120, blur=24)
        c.rect([x - 26, top, x + 26, 640], hex2rgb("#c8102e"), radius=6)
        c.ellipse([x - 12, top - 62, x + 12, top - 12], hex2rgb("#ffd56b"))
        c.ellipse([x - 5, top - 40, x + 5, top - 16], hex2rgb("#fff4c2"))
    return c


def img_changement_heure():
    c = canvas("#ffd9a8", "#7d93d1", angle=90)
    # half sun on the left, crescent moon on the right
    sun(c, 250, 420, 110, hex2rgb("#f7c948"), rays=12)
    crescent(c, 960, 400, 110, hex2rgb("#22336f"), offset=(-0.45, -0.2))
    c.circle(600, 400, 230, (255, 255, 255))
    c.arc([382, 182, 818, 618], 0, 360, hex2rgb("#c9d3ea"), 14)
    for i in range(12):
        a = 2 * math.pi * i / 12
        r0, r1 = 185, 205
        c.line([(600 + r0 * math.cos(a), 400 + r0 * math.sin(a)), (600 + r1 * math.cos(a), 400 + r1 * math.sin(a))],
               hex2rgb("#8a96b8"), 8)
    c.line([(600, 400), (600 + 150 * math.cos(math.radians(-60)), 400 + 150 * math.sin(math.radians(-60)))],
           hex2rgb("#2b3f86"), 14)
    c.line([(600, 400), (600 + 100 * math.cos(math.radians(200)), 400 + 100 * math.sin(math.radians(200)))],
           hex2rgb("#2b3f86"), 18)
    c.circle(600, 400, 18, hex2rgb("#e8774a"))
    return c


def img_hopital_nounours():
    c = canvas("#fff9dd", "#fbeeb4")
    # green cross behind
    c.rect([530, 60, 670, 480], hex2rgb("#4fae74"), radius=24)
    c.rect([390, 200, 810, 340], hex2rgb("#4fae74"), radius=24)
    fur, light = hex2rgb("#c89b6d"), hex2rgb("#ecd2b2")
    # body and legs (seated)
    c.ellipse([470, 420, 730, 720], fur)
    c.ellipse([430, 640, 560, 740], fur)
    c.ellipse([640, 640, 770, 740], fur)
    c.ellipse([455, 670, 525, 730], light)
    c.ellipse([675, 670, 745, 730], light)
    c.ellipse([530, 500, 670, 660], light)
    # arms
    c.ellipse([410, 450, 500, 600], fur)
    c.ellipse([700, 450, 790, 600], fur)
    c.rect([408, 505, 502, 540], (255, 255, 255), radius=8)  # bandage
    # head and ears
    c.circle(505, 270, 50, fur)
    c.circle(695, 270, 50, fur)
    c.circle(505, 270, 26, light)
    c.circle(695, 270, 26, light)
    c.circle(600, 350, 120, fur)
    c.ellipse([545, 365, 655, 445], light)
    c.ellipse([582, 370, 618, 395], hex2rgb("#5b3a22"))
    c.circle(555, 325, 12, hex2rgb("#3b2616"))
    c.circle(645, 325, 12, hex2rgb("#3b2616"))
    return c


def img_don_du_sang():
    c = canvas("#ffffff", "#f7d2dc", angle=-20)
    rnd = random.Random(707)
    for _ in range(16):
        a = rnd.uniform(0, 2 * math.pi)
        dist = rnd.uniform(270, 470)
        heart(c, 600 + dist * math.cos(a) * 1.2, 430 + dist * math.sin(a) * 0.75, rnd.uniform(14, 32),
              hex2rgb(rnd.choice(["#f4a3b5", "#ef8fa6", "#f7bccb"])))
    c.poly(drop_points(600, 450, 170), hex2rgb("#c8102e"))
    c.ellipse([500, 430, 545, 540], hex2rgb("#e04a5f"))
    c.circle(535, 400, 16, hex2rgb("#f08a98"))
    return c


def building(c, x0, y0, x1, y1, wall, window, roof=None, cols=6, rows=4, lit=None):
    c.rect([x0, y0, x1, y1], wall)
    if roof:
        c.rect([x0 - 10, y0 - 26, x1 + 10, y0 + 4], roof, radius=12)
    gw = (x1 - x0) / cols
    gh = (y1 - y0) / rows
    for i in range(cols):
        for j in range(rows):
            wx, wy = x0 + i * gw + gw * 0.22, y0 + j * gh + gh * 0.22
            col = window
            if lit and (i, j) in lit:
                col = lit[(i, j)]
            c.rect([wx, wy, wx + gw * 0.56, wy + gh * 0.56], col, radius=4)


def img_nouvelle_aile():
    c = canvas("#8ec5ee", "#e4f2fb")
    hills(c, 560, hex2rgb("#a9d3a0"), 80, 1.0, 1000)
    building(c, 300, 300, 900, 680, hex2rgb("#f4f1ea"), hex2rgb("#bfe1f5"), roof=hex2rgb("#5aa55f"), cols=8, rows=4)
    c.rect([560, 600, 640, 680], hex2rgb("#6b8fb5"), radius=6)
    c.rect([0, 680, 1200, 800], hex2rgb("#7fb971"))
    tree(c, 200, 690, 55, hex2rgb("#3f8f52"), hex2rgb("#7a5c3e"))
    tree(c, 1010, 690, 65, hex2rgb("#4c9e5e"), hex2rgb("#7a5c3e"))
    return c


def img_nouvelle_aile_plan():
    c = canvas("#eef5f0", "#dcebe1")
    rnd = random.Random(808)
    # main building, walkway, and the new wing as four stacked storeys
    c.rect([110, 250, 430, 590], hex2rgb("#9fb3c8"), radius=10)
    c.rect([430, 395, 600, 445], hex2rgb("#c7d3df"), radius=6)
    shades = ["#2f6f9f", "#3f87b5", "#4f9d8f", "#6bb38a"]
    for i, col in enumerate(shades):
        dx, dy = i * 26, -i * 34
        c.rect([600 + dx, 270 + dy + 60, 960 + dx, 560 + dy + 60], hex2rgb(col), radius=10)
    for _ in range(14):
        x = rnd.choice([rnd.uniform(40, 100), rnd.uniform(1040, 1160), rnd.uniform(150, 1100)])
        y = rnd.uniform(640, 760) if 100 < x < 1040 else rnd.uniform(80, 760)
        r = rnd.uniform(22, 38)
        c.circle(x, y, r, hex2rgb(rnd.choice(["#5aa55f", "#78b86f", "#3f8f52"])))
    return c


def img_portes_ouvertes():
    c = canvas("#e6f2fb", "#cfe4f4")
    c.rect([0, 660, 1200, 800], hex2rgb("#a8d19a"))
    c.rect([330, 160, 870, 660], hex2rgb("#a9cbe8"))
    c.glow(600, 520, 140, (255, 214, 102), alpha=150, blur=40)
    c.rect([520, 380, 680, 660], hex2rgb("#ffe08a"))  # lit doorway
    c.poly([(520, 380), (585, 405), (585, 640), (520, 660)], hex2rgb("#3b6ea8"))  # door leaf ajar
    c.poly([(680, 660), (760, 800), (440, 800), (520, 660)], hex2rgb("#fff0b8"))  # light on the ground
    for x in (390, 730):
        c.rect([x, 220, x + 80, 300], hex2rgb("#e8f3fc"), radius=6)
    tree(c, 190, 670, 70, hex2rgb("#4c9e5e"), hex2rgb("#7a5c3e"))
    tree(c, 1010, 670, 80, hex2rgb("#3f8f52"), hex2rgb("#7a5c3e"))
    return c


def img_temoignage_hanche():
    c = canvas("#cfe8fa", "#f1f8fd")
    c.rect([0, 430, 1200, 800], hex2rgb("#b9dca6"))
    path = [(560 + 220 * math.sin(t / 90), 800 - t) for t in range(0, 330, 6)]
    for i, (x, y) in enumerate(path):
        w = 150 - i * 1.8
        c.ellipse([x - w / 2, y - 18, x + w / 2, y + 18], hex2rgb("#e9d8b4"))
    # bench at the end of the path
    bx, by = path[-1]
    c.rect([bx - 80, by - 70, bx + 80, by - 52], hex2rgb("#3f7d4e"), radius=6)
    c.rect([bx - 85, by - 40, bx + 85, by - 24], hex2rgb("#3f7d4e"), radius=6)
    c.rect([bx - 70, by - 26, bx - 56, by + 6], hex2rgb("#2e5e3a"))
    c.rect([bx + 56, by - 26, bx + 70, by + 6], hex2rgb("#2e5e3a"))
    rnd = random.Random(909)
    for _ in range(40):
        side = rnd.choice([-1, 1])
        y = rnd.uniform(470, 780)
        t = 800 - y
        px = 560 + 220 * math.sin(t / 90)
        x = px + side * rnd.uniform(110, 420)
        r = rnd.uniform(10, 20)
        col = hex2rgb(rnd.choice(["#f4a6c0", "#f7c948", "#ef8fb0", "#ffd56b"]))
        for k in range(5):
            a = 2 * math.pi * k / 5
            c.circle(x + r * 0.9 * math.cos(a), y + r * 0.9 * math.sin(a), r * 0.7, col)
        c.circle(x, y, r * 0.5, hex2rgb("#fff6d8"))
    return c


def img_infirmiere_nuit():
    c = canvas("#0d1a3a", "#22386e")
    rnd = random.Random(1010)
    for _ in range(35):
        star(c, rnd.uniform(20, 1180), rnd.uniform(20, 260), rnd.uniform(3, 8), (255, 250, 230))
    crescent(c, 1000, 130, 60, hex2rgb("#f8eeb4"))
    lit = {(3, 1): hex2rgb("#ffd36b")}
    c.glow(0, 0, 1, (0, 0, 0), alpha=0, blur=1)
    building(c, 200, 300, 1000, 800, hex2rgb("#1b2d5c"), hex2rgb("#2a417a"), cols=7, rows=4, lit=lit)
    gw, gh = 800 / 7, 500 / 4
    c.glow(200 + 3.5 * gw, 300 + 1.5 * gh, 70, (255, 211, 107), alpha=110, blur=30)
    return c


def snowflake(c, cx, cy, r, color, width):
    for k in range(6):
        a = math.pi * k / 3
        x1, y1 = cx + r * math.cos(a), cy + r * math.sin(a)
        c.line([(cx, cy), (x1, y1)], color, width)
        for f in (0.55, 0.8):
            bx, by = cx + r * f * math.cos(a), cy + r * f * math.sin(a)
            for s in (-1, 1):
                b = a + s * math.radians(40)
                c.line([(bx, by), (bx + r * 0.22 * math.cos(b), by + r * 0.22 * math.sin(b))], color, width * 0.8)


def img_jeune_medecin():
    c = canvas("#e9f5fd", "#a9d2ee", angle=15)
    blue = hex2rgb("#1f5fa8")
    # stethoscope: ear tubes, a big loop, and the chest piece
    c.line([(430, 110), (450, 150), (450, 400)], blue, 18)
    c.line([(770, 110), (750, 150), (750, 400)], blue, 18)
    c.circle(430, 108, 18, blue)
    c.circle(770, 108, 18, blue)
    c.arc([450, 250, 750, 550], 0, 180, blue, 18)
    c.line([(600, 548), (610, 620), (680, 680), (780, 690)], blue, 18)
    c.circle(830, 690, 55, blue)
    c.circle(830, 690, 32, hex2rgb("#cfe6f7"))
    snowflake(c, 600, 330, 105, (255, 255, 255), 13)
    return c


def img_benevole():
    c = canvas("#fff6d9", "#ffe2a6", angle=-10)
    left = [(x, y) for x, y in heart_points(600, 400, 230) if x <= 600]
    right = [(x, y) for x, y in heart_points(600, 400, 230) if x >= 600]
    c.poly(left, hex2rgb("#f08a4b"))
    c.poly(right, hex2rgb("#3f7fc4"))
    return c


def img_devenir_parents():
    c = canvas("#efe6fb", "#d6c6f0", angle=20)
    c.arc([280, 150, 920, 790], 185, 355, hex2rgb("#4a6fb8"), 40)
    c.circle(500, 520, 120, hex2rgb("#f08a5d"))
    c.circle(715, 520, 115, hex2rgb("#f4a6b8"))
    c.circle(608, 600, 70, hex2rgb("#f7c948"))
    return c


def img_temoignage_varices():
    c = canvas("#cfe9f7", "#f3fafe")
    c.glow(950, 150, 80, (255, 246, 200), alpha=150, blur=30)
    c.circle(950, 150, 60, hex2rgb("#fff1b8"))
    c.poly([(0, 500), (200, 400), (420, 480), (640, 390), (880, 470), (1060, 410), (1200, 450), (1200, 520), (0, 520)],
           hex2rgb("#a7bfd6"))
    c.rect([0, 500, 1200, 800], hex2rgb("#4fb3bf"))
    for y in (560, 620, 690):
        wave_line(c, 0, 1200, y, 5, 120, y, (255, 255, 255, 120), 4)
    # a pleated skirt floating in the wind, drawn on its own layer and tilted
    sk = Canvas(W, H)
    sk.img = Image.new("RGBA", c.img.size, (0, 0, 0, 0))
    d = sk.draw
    pts = [(545, 220), (655, 220), (760, 470)]
    pts += [(760 - k * 8, 470 + 16 * math.sin(k * 0.6)) for k in range(0, 41)]
    pts += [(440, 470)]
    sk.poly(pts, hex2rgb("#2f68b3"), d)
    for k in range(1, 5):
        t = k / 5
        sk.line([(545 + 110 * t, 232), (440 + 320 * t, 470)], hex2rgb("#5b8fd0"), 5, d)
    sk.rect([535, 205, 665, 235], hex2rgb("#1f4e8c"), radius=10, d=d)
    c.paste(sk.img.rotate(-10, center=(600 * S, 340 * S), resample=Image.BICUBIC))
    return c


def img_mois_sans_tabac():
    """A grey cigarette broken in two, a small green leaf rising from the break, on teal."""
    c = canvas("#cdeef0", "#2f8f97", angle=20)
    c.glow(600, 420, 260, hex2rgb("#ffffff"), alpha=70, blur=60)
    lay, d = c.layer()
    c.rect([250, 470, 560, 530], (*hex2rgb("#e9eef2"), 255), radius=12, d=d)
    c.rect([250, 470, 330, 530], (*hex2rgb("#c9a27a"), 255), radius=12, d=d)
    c.rect([640, 470, 950, 530], (*hex2rgb("#e9eef2"), 255), radius=12, d=d)
    c.rect([890, 470, 950, 530], (*hex2rgb("#9aa5ad"), 255), radius=12, d=d)
    c.paste(lay.rotate(-6, center=(600 * S, 500 * S), resample=Image.BICUBIC))
    c.line([(600, 470), (602, 360), (610, 290)], hex2rgb("#2e7d32"), 9)
    leaf(c, 650, 280, 150, 70, -35, hex2rgb("#4caf50"), hex2rgb("#2e7d32"))
    leaf(c, 560, 330, 110, 52, 210, hex2rgb("#66bb6a"), hex2rgb("#2e7d32"))
    return c


def img_arreter_de_fumer():
    """Lungs drawn as two large leaves above a row of small steps going up, on light blue."""
    c = canvas("#e6f4fb", "#9fd0ea", angle=0)
    for i in range(6):
        x0, top = 230 + i * 125, 700 - i * 45
        c.rect([x0, top, x0 + 125, 800], hex2rgb("#5aa7cf" if i % 2 else "#4a97c0"))
    c.line([(600, 150), (600, 300)], hex2rgb("#2e7d32"), 16)
    c.line([(600, 300), (545, 350)], hex2rgb("#2e7d32"), 12)
    c.line([(600, 300), (655, 350)], hex2rgb("#2e7d32"), 12)
    leaf(c, 470, 380, 330, 190, 100, hex2rgb("#8bc34a"), hex2rgb("#558b2f"))
    leaf(c, 730, 380, 330, 190, 80, hex2rgb("#9ccc65"), hex2rgb("#558b2f"))
    return c


def img_tabac_avant_operation():
    """A white calendar with four cells ticked in green, beside a pink plaster cross, on pale blue."""
    c = canvas("#f3f8fd", "#bcd7f0", angle=30)
    c.rect([200, 170, 700, 690], hex2rgb("#ffffff"), radius=28)
    c.rect([200, 170, 700, 260], hex2rgb("#3f7fc4"), radius=28)
    c.rect([200, 230, 700, 260], hex2rgb("#3f7fc4"))
    for ring in (300, 600):
        c.rect([ring - 12, 140, ring + 12, 200], hex2rgb("#25507f"), radius=10)
    for row in range(4):
        for col in range(5):
            x, y = 235 + col * 92, 290 + row * 95
            c.rect([x, y, x + 70, y + 70], hex2rgb("#e3edf7"), radius=10)
            if row == 3 and col < 4:
                c.line([(x + 16, y + 38), (x + 31, y + 53), (x + 56, y + 20)], hex2rgb("#2e8b57"), 9)
    lay, d = c.layer()
    c.rect([790, 380, 1030, 470], (*hex2rgb("#f4a6b8"), 255), radius=40, d=d)
    c.rect([865, 305, 955, 545], (*hex2rgb("#f4a6b8"), 255), radius=40, d=d)
    c.rect([870, 385, 950, 465], (*hex2rgb("#f8c8d4"), 255), radius=10, d=d)
    c.paste(lay.rotate(20, center=(910 * S, 425 * S), resample=Image.BICUBIC))
    return c


def img_temoignage_tabac():
    """A steaming yellow cup beside a small green plant in a pot, on a blue table, before a window at sunrise."""
    c = canvas("#ffe3b3", "#ffb88c", angle=90)
    c.rect([140, 80, 1060, 560], hex2rgb("#fff4dc"), radius=16)
    sun(c, 600, 520, 110, hex2rgb("#f7a83e"), rays=14)
    c.rect([140, 300, 1060, 312], hex2rgb("#e0b98a"))
    c.rect([594, 80, 606, 560], hex2rgb("#e0b98a"))
    c.rect([0, 560, W, H], hex2rgb("#3f7fc4"))
    c.rect([0, 560, W, 590], hex2rgb("#356ca8"))
    c.rect([400, 440, 560, 600], hex2rgb("#f7c948"), radius=24)
    c.arc([530, 470, 620, 560], 270, 90, hex2rgb("#f7c948"), 18)
    for x in (440, 480, 520):
        c.line([(x, 420), (x - 12, 380), (x + 6, 340), (x - 6, 300)], hex2rgb("#ffffff"), 8)
    c.rect([730, 480, 850, 600], hex2rgb("#c8693a"), radius=14)
    leaf(c, 760, 410, 140, 60, 120, hex2rgb("#4caf50"), hex2rgb("#2e7d32"))
    leaf(c, 825, 405, 150, 62, 60, hex2rgb("#66bb6a"), hex2rgb("#2e7d32"))
    leaf(c, 792, 380, 160, 60, 90, hex2rgb("#43a047"), hex2rgb("#2e7d32"))
    return c


def img_emploi_soins_intensifs():
    c = canvas("#0f3f73", "#2a6fb0", angle=20)
    rnd = random.Random(1414)
    for _ in range(14):
        c.glow(rnd.uniform(0, 1200), rnd.uniform(0, 800), rnd.uniform(40, 90), (120, 180, 235), alpha=60, blur=30)
    # a heart-rate trace across the picture, with a soft halo
    beat = [(0, 0), (40, 0), (55, -30), (70, 0), (95, 0), (110, 40), (130, -190), (150, 90), (168, 0), (210, 0),
            (235, -45), (265, 0), (300, 0)]
    trace = [(x0 + x, 400 + y) for x0 in range(-60, 1260, 300) for x, y in beat]
    halo, d = c.layer()
    c.line(trace, (255, 255, 255, 90), 26, d)
    c.paste(halo.filter(ImageFilter.GaussianBlur(10 * S)))
    c.line(trace, (255, 255, 255), 10)
    # a small green cross below, the hospital's sign
    green = hex2rgb("#5fbf7a")
    c.rect([570, 610, 630, 730], green, radius=8)
    c.rect([540, 640, 660, 700], green, radius=8)
    return c


def img_emploi_physiotherapie():
    c = canvas("#eef8e6", "#cbe7b8", angle=-15)
    c.rect([0, 640, 1200, 800], hex2rgb("#9fcf8a"))
    # an exercise ball, a pair of dumbbells and a stretched elastic band
    c.circle(420, 470, 190, hex2rgb("#3f7fc4"))
    c.arc([260, 310, 580, 630], 200, 330, hex2rgb("#7fb0e3"), 22)
    c.circle(420, 470, 34, hex2rgb("#2d62a0"))
    for x in (730, 940):
        c.rect([x, 600, x + 110, 628], hex2rgb("#f08a4b"), radius=10)
        c.rect([x - 10, 570, x + 22, 658], hex2rgb("#d9652c"), radius=8)
        c.rect([x + 88, 570, x + 120, 658], hex2rgb("#d9652c"), radius=8)
    # an elastic band, looped, and the sun of a morning session
    c.arc([760, 300, 1080, 470], 0, 360, hex2rgb("#e0a82e"), 18)
    sun(c, 980, 150, 55, hex2rgb("#f7c948"))
    return c


def img_avc():
    """Stroke: time counts. A clock whose minute hand runs, beside a telephone: call at once."""
    c = canvas("#fdecea", "#f6c4bb", angle=15)
    c.glow(470, 400, 250, (255, 255, 255), alpha=130, blur=50)
    c.circle(470, 400, 215, hex2rgb("#c8102e"))
    c.circle(470, 400, 185, (255, 255, 255))
    for k in range(12):
        a = k * math.pi / 6
        r0, r1 = (150, 172) if k % 3 else (135, 172)
        c.line([(470 + r0 * math.sin(a), 400 - r0 * math.cos(a)), (470 + r1 * math.sin(a), 400 - r1 * math.cos(a))],
               hex2rgb("#7a1020"), 10 if k % 3 == 0 else 6)
    c.line([(470, 400), (470, 285)], hex2rgb("#1b2430"), 16)  # minute hand
    c.line([(470, 400), (545, 445)], hex2rgb("#1b2430"), 20)  # hour hand
    c.circle(470, 400, 18, hex2rgb("#c8102e"))
    c.arc([230, 160, 710, 640], 280, 350, hex2rgb("#f7c948"), 22)  # the minutes already gone
    # a telephone handset, tilted
    lay, d = c.layer()
    c.rect([800, 250, 900, 560], hex2rgb("#0b5cad"), radius=50, d=d)
    c.rect([775, 220, 925, 330], hex2rgb("#0b5cad"), radius=45, d=d)
    c.rect([775, 480, 925, 590], hex2rgb("#0b5cad"), radius=45, d=d)
    c.paste(lay.rotate(-25, center=(850 * S, 405 * S), resample=Image.BICUBIC))
    for k, r in enumerate((70, 110, 150)):
        c.arc([960 - r, 250 - r, 960 + r, 250 + r], 300, 360, (*hex2rgb("#0b5cad"), 255 - k * 60), 12)
    return c


def balance_scene(c, ox, oy, scale):
    """A person standing on one leg, one hand on the back of a chair: the balance exercise of the demo's video."""
    def at(x, y):
        return ox + x * scale, oy + y * scale

    wood, dark, body, skin = hex2rgb("#b7793f"), hex2rgb("#8a5a2b"), hex2rgb("#e8743b"), hex2rgb("#f3c9a5")
    c.rect([*at(0, 0), *at(30, 330)], dark, radius=10 * scale)  # chair: back
    c.rect([*at(0, 170), *at(200, 200)], wood, radius=10 * scale)  # seat
    c.rect([*at(170, 190), *at(198, 330)], dark, radius=8 * scale)  # front leg
    c.rect([*at(10, 190), *at(38, 330)], dark, radius=8 * scale)
    c.circle(*at(-150, -70), 42 * scale, skin)  # head
    c.line([at(-150, -20), at(-150, 150)], body, 58 * scale)  # trunk
    c.line([at(-130, 10), at(-40, 60), at(8, 10)], body, 26 * scale)  # arm to the chair
    c.line([at(-170, 10), at(-250, 80)], body, 26 * scale)  # the other arm, out for balance
    c.line([at(-150, 150), at(-150, 330)], hex2rgb("#1f4e8c"), 34 * scale)  # standing leg
    c.line([at(-150, 160), at(-215, 235), at(-160, 270)], hex2rgb("#1f4e8c"), 34 * scale)  # raised leg


def img_equilibre():
    c = canvas("#eef7e9", "#cde8c6", angle=-10)
    c.rect([0, 650, 1200, 800], hex2rgb("#d9c8aa"))  # floor
    sun(c, 1020, 160, 70, hex2rgb("#f7c948"))
    balance_scene(c, 620, 320, 1.0)
    return c


def poster_equilibre() -> Canvas:
    """The editor's poster of the demo's Vimeo video (1280x720, the player's shape)."""
    width, height = VIDEO_POSTER
    c = Canvas(width, height, gradient(width, height, "#2e6b4f", "#173d2c", angle=20))
    c.rect([0, 600, width, height], hex2rgb("#123124"))  # floor
    c.glow(840, 330, 300, (255, 255, 255), alpha=60, blur=60)
    balance_scene(c, 860, 230, 1.1)
    for k in range(3):  # three exercises
        c.circle(140 + k * 80, 140, 26, hex2rgb("#f7c948") if k == 0 else (255, 255, 255))
    return c


POSTS = {
    "angiologie": img_angiologie,
    "preanesthesie": img_preanesthesie,
    "urgences": img_urgences,
    "maternite": img_maternite,
    "reeducation-hanche": img_reeducation_hanche,
    "sclerotherapie": img_sclerotherapie,
    "varices": img_varices,
    "sport-post-partum": img_sport_post_partum,
    "sommeil": img_sommeil,
    "soleil": img_soleil,
    "chutes": img_chutes,
    "chutes-maison": img_chutes_maison,
    "hygiene-mains": img_hygiene_mains,
    "conference-coeur": img_conference_coeur,
    "changement-heure": img_changement_heure,
    "conference-memoire": img_conference_memoire,
    "concert-avent": img_concert_avent,
    "hopital-nounours": img_hopital_nounours,
    "don-du-sang": img_don_du_sang,
    "nouvelle-aile": img_nouvelle_aile,
    "nouvelle-aile-plan": img_nouvelle_aile_plan,
    "portes-ouvertes": img_portes_ouvertes,
    "temoignage-hanche": img_temoignage_hanche,
    "infirmiere-nuit": img_infirmiere_nuit,
    "jeune-medecin": img_jeune_medecin,
    "benevole": img_benevole,
    "devenir-parents": img_devenir_parents,
    "temoignage-varices": img_temoignage_varices,
    "mois-sans-tabac": img_mois_sans_tabac,
    "arreter-de-fumer": img_arreter_de_fumer,
    "tabac-avant-operation": img_tabac_avant_operation,
    "temoignage-tabac": img_temoignage_tabac,
    "emploi-soins-intensifs": img_emploi_soins_intensifs,
    "emploi-physiotherapie": img_emploi_physiotherapie,
    "avc": img_avc,
    "equilibre": img_equilibre,
}
VIDEO_POSTER = (1280, 720)
VIDEO_POSTERS = {"video-equilibre": poster_equilibre}
"""Posters an editor gives to a :::video block (the others are drawn by the build)."""


# ---------------------------------------------------------------------------
# Photo-like images: some scenes as a phone would have recorded them, metadata included
# ---------------------------------------------------------------------------

# name: (size as shown, EXIF orientation, file format, GPS latitude and longitude, seed). Orientation 6 means the
# pixels are stored turned a quarter left and the viewer must turn them back, as phones held upright do.
PHOTOS = {
    "nouvelle-aile": ((2800, 1867), 1, "jpeg", (46.80613, 7.15124), 21),  # the large hero of a post
    "portes-ouvertes": ((2400, 1600), 1, "jpeg", (46.80571, 7.15202), 22),  # a draft's: checked all the same
    "don-du-sang": ((2000, 1333), 6, "jpeg", (46.80498, 7.15066), 23),
    "benevole": ((2400, 1600), 1, "heic", (46.80644, 7.15177), 24),
}
PHOTO_QUALITY = 80
MAX_PHOTO_BYTES = 500 * 1024  # at most the image-too-large limit (500 KB), which a phone's own photo would pass


def photographic(scene: Image.Image, size: tuple[int, int], seed: int) -> Image.Image:
    """The drawn scene as a camera records it: soft towards the edges, darker corners, warm light, grain."""
    width, height = size
    image = scene.resize(size, Image.LANCZOS)
    edges = Image.radial_gradient("L").resize(size, Image.BICUBIC)  # 0 in the middle, 255 in the corners
    image = Image.composite(image.filter(ImageFilter.GaussianBlur(3)), image, edges.point(lambda v: min(255, v)))
    light = gradient(width // S, height // S, "#fff1d6", "#dfe9ff", angle=35).resize(size)
    image = Image.blend(image, ImageChops.multiply(image, light), 0.6)
    vignette = edges.point(lambda v: 255 - round(0.32 * max(0, v - 90)))
    image = ImageChops.multiply(image, Image.merge("RGB", [vignette] * 3))
    rnd = random.Random(seed)
    grain = Image.frombytes("L", size, rnd.randbytes(width * height)).filter(ImageFilter.GaussianBlur(0.7))
    grain = grain.point(lambda v: 128 + round((v - 128) * 0.09))
    return ImageChops.add(image, Image.merge("RGB", [grain] * 3), scale=1.0, offset=-128)


def _rational(value: float) -> tuple[float, float, float]:
    degrees = int(value)
    minutes = int((value - degrees) * 60)
    return float(degrees), float(minutes), round(((value - degrees) * 60 - minutes) * 60, 2)


def phone_exif(orientation: int, position: tuple[float, float], serial: str) -> Image.Exif:
    """What a phone writes: where, when, with what and whose; here invented."""
    exif = Image.Exif()
    exif[ExifTags.Base.Make] = "Apple"
    exif[ExifTags.Base.Model] = "iPhone 13"
    exif[ExifTags.Base.Orientation] = orientation
    exif[ExifTags.Base.DateTime] = "2026:10:03 14:22:10"
    exif[ExifTags.Base.Artist] = "Marie Favre"
    exif[ExifTags.Base.Software] = "17.6.1"
    exif.get_ifd(ExifTags.IFD.Exif).update({
        ExifTags.Base.DateTimeOriginal: "2026:10:03 14:22:10",
        ExifTags.Base.CameraOwnerName: "Marie Favre",
        ExifTags.Base.BodySerialNumber: serial,
        ExifTags.Base.LensSerialNumber: f"L{serial}",
    })
    latitude, longitude = position
    exif.get_ifd(ExifTags.IFD.GPSInfo).update({
        ExifTags.GPS.GPSVersionID: b"\x02\x02\x00\x00",
        ExifTags.GPS.GPSLatitudeRef: "N", ExifTags.GPS.GPSLatitude: _rational(latitude),
        ExifTags.GPS.GPSLongitudeRef: "E", ExifTags.GPS.GPSLongitude: _rational(longitude),
        ExifTags.GPS.GPSAltitude: 612.0,
    })
    return exif


def with_thumbnail(exif: bytes, thumbnail: bytes) -> bytes:
    """The EXIF block (``Exif\\0\\0`` + TIFF) with a second directory (IFD1) holding a JPEG thumbnail, as cameras
    write; Pillow writes only the first."""
    tiff = bytearray(exif[6:])
    order = "<" if tiff[:2] == b"II" else ">"
    first = struct.unpack_from(f"{order}I", tiff, 4)[0]
    count = struct.unpack_from(f"{order}H", tiff, first)[0]
    next_pointer = first + 2 + 12 * count
    ifd1 = len(tiff) + (len(tiff) % 2)
    tiff += b"\0" * (ifd1 - len(tiff))
    struct.pack_into(f"{order}I", tiff, next_pointer, ifd1)
    data = ifd1 + 2 + 2 * 12 + 4
    tiff += struct.pack(f"{order}H", 2)
    tiff += struct.pack(f"{order}HHII", 0x0201, 4, 1, data)  # JPEGInterchangeFormat
    tiff += struct.pack(f"{order}HHII", 0x0202, 4, 1, len(thumbnail))  # JPEGInterchangeFormatLength
    tiff += struct.pack(f"{order}I", 0) + thumbnail
    return exif[:6] + bytes(tiff)


XMP = b"""<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">
<rdf:Description xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:exif="http://ns.adobe.com/exif/1.0/">
<dc:creator><rdf:Seq><rdf:li>Marie Favre</rdf:li></rdf:Seq></dc:creator>
<exif:GPSLatitude>46,48.3678N</exif:GPSLatitude><exif:GPSLongitude>7,9.0744E</exif:GPSLongitude>
</rdf:Description></rdf:RDF></x:xmpmeta>"""


def iptc_segment(byline: str, city: str) -> bytes:
    """An APP13 segment (Photoshop 3.0, IPTC-IIM resource 0x0404) naming the photographer and the place."""
    records = b"".join(b"\x1c\x02" + bytes([dataset]) + struct.pack(">H", len(value)) + value
                       for dataset, value in ((80, byline.encode()), (90, city.encode())))
    resource = b"8BIM\x04\x04\x00\x00" + struct.pack(">I", len(records)) + records + b"\0" * (len(records) % 2)
    payload = b"Photoshop 3.0\0" + resource
    return b"\xff\xed" + struct.pack(">H", len(payload) + 2) + payload


def save_photo(image: Image.Image, path: Path, orientation: int, position: tuple[float, float], kind: str) -> int:
    """Saves the photo as the phone would: pixels stored as the sensor saw them, metadata everywhere."""
    stored = image.transpose(Image.ROTATE_90) if orientation == 6 else image
    serial = "F2LX" + path.stem.upper().replace("-", "")[:6]
    exif = phone_exif(orientation, position, serial)
    thumbnail = io.BytesIO()
    stored.resize((160, round(160 * stored.height / stored.width))).save(thumbnail, "JPEG", quality=70)
    exif_bytes = with_thumbnail(exif.tobytes(), thumbnail.getvalue())
    if kind == "heic":
        from pillow_heif import from_pillow

        heif = from_pillow(stored)
        heif.save(path, quality=45, exif=exif_bytes, xmp=XMP)
        return path.stat().st_size
    buffer = io.BytesIO()
    stored.save(buffer, "JPEG", quality=PHOTO_QUALITY, exif=exif_bytes, xmp=XMP, comment="Envoyé depuis mon iPhone")
    data = buffer.getvalue()
    path.write_bytes(data[:2] + iptc_segment("Marie Favre", "Val-Clair") + data[2:])
    return path.stat().st_size


# ---------------------------------------------------------------------------
# Author portraits: abstract geometric avatars (no initials, no faces)
# ---------------------------------------------------------------------------

PORTRAITS = {
    # key: (background top, background bottom, palette, seed)
    "cmartin": ("#dbe9f8", "#b3d0ef", ["#0b5cad", "#6c5bb0", "#f7c948"], 11),
    "tmeyer": ("#e3e0f4", "#c3bde8", ["#2b3f86", "#5a86c8", "#f08a5d"], 12),
    "ahuber": ("#fde2e2", "#f5bcbc", ["#c8102e", "#0b5cad", "#ffd56b"], 13),
    "lrochat": ("#dff3ef", "#b7e2da", ["#1d6b3a", "#4fb8c2", "#f4a6b8"], 14),
    "mfavre": ("#e7f4dc", "#c5e4b0", ["#2e6b4f", "#f7c948", "#3f7fc4"], 15),
    "sbrunner": ("#ffe9dc", "#ffc9b0", ["#e77f9a", "#f08a5d", "#6d2a7f"], 16),
    "nkeller": ("#f3e6f6", "#dcc1e6", ["#6d2a7f", "#9a3412", "#f7c948"], 17),
}


def portrait(top, bottom, palette, seed) -> Image.Image:
    size = 400
    c = Canvas(size, size, gradient(size, size, top, bottom, angle=30))
    rnd = random.Random(seed)
    cols = [hex2rgb(p) for p in palette]
    # a large soft disc, a half-disc "shoulder" and a few small accents
    c.circle(rnd.uniform(150, 250), rnd.uniform(140, 190), rnd.uniform(80, 100), cols[0])
    c.pieslice([40, 270, 360, 590], 180, 360, cols[1])
    for _ in range(3):
        kind = rnd.choice(["dot", "triangle", "square"])
        # accents stay in the upper corners, away from the "head" disc
        x = rnd.choice([rnd.uniform(40, 95), rnd.uniform(305, 360)])
        y, r = rnd.uniform(40, 200), rnd.uniform(14, 26)
        if kind == "dot":
            c.circle(x, y, r, cols[2])
        elif kind == "triangle":
            c.poly([(x, y - r), (x + r, y + r), (x - r, y + r)], cols[2])
        else:
            c.rect([x - r, y - r, x + r, y + r], cols[2], radius=r * 0.3)
    return c.final((size, size))


# ---------------------------------------------------------------------------
# Logo and favicons: a white cross over a green valley, in a blue disc
# ---------------------------------------------------------------------------

LOGO_BLUE = "#0b5cad"
LOGO_GREEN = "#5fbf7a"


def logo(size=256) -> Image.Image:
    big = size * 4
    im = Image.new("RGBA", (big, big), (0, 0, 0, 0))
    d = ImageDraw.Draw(im)
    u = big / 256
    d.ellipse([8 * u, 8 * u, 248 * u, 248 * u], fill=hex2rgb(LOGO_BLUE))
    # valley: two green hills inside the disc (clipped by a disc mask)
    hills_layer = Image.new("RGBA", (big, big), (0, 0, 0, 0))
    hd = ImageDraw.Draw(hills_layer)
    hd.ellipse([-40 * u, 170 * u, 150 * u, 330 * u], fill=hex2rgb(LOGO_GREEN))
    hd.ellipse([106 * u, 176 * u, 296 * u, 336 * u], fill=hex2rgb(LOGO_GREEN))
    disc = Image.new("L", (big, big), 0)
    ImageDraw.Draw(disc).ellipse([8 * u, 8 * u, 248 * u, 248 * u], fill=255)
    hills_layer.putalpha(Image.composite(hills_layer.getchannel("A"), Image.new("L", (big, big), 0), disc))
    im = Image.alpha_composite(im, hills_layer)
    d = ImageDraw.Draw(im)
    d.rounded_rectangle([106 * u, 52 * u, 150 * u, 172 * u], radius=8 * u, fill="white")
    d.rounded_rectangle([68 * u, 90 * u, 188 * u, 134 * u], radius=8 * u, fill="white")
    return im.resize((size, size), Image.LANCZOS)


FAVICON_SVG = f"""<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 256 256">
  <defs><clipPath id="disc"><circle cx="128" cy="128" r="120"/></clipPath></defs>
  <circle cx="128" cy="128" r="120" fill="{LOGO_BLUE}"/>
  <g clip-path="url(#disc)" fill="{LOGO_GREEN}">
    <ellipse cx="55" cy="250" rx="95" ry="80"/>
    <ellipse cx="201" cy="256" rx="95" ry="80"/>
  </g>
  <rect x="106" y="52" width="44" height="120" rx="8" fill="#fff"/>
  <rect x="68" y="90" width="120" height="44" rx="8" fill="#fff"/>
</svg>
"""


# ---------------------------------------------------------------------------


def save_jpeg(img: Image.Image, path: Path, limit: int) -> int:
    quality = JPEG_QUALITY
    while True:
        img.save(path, "JPEG", quality=quality, optimize=True, progressive=True)
        size = path.stat().st_size
        if size <= limit or quality <= 50:
            return size
        quality -= 5


def main() -> None:
    IMAGES.mkdir(parents=True, exist_ok=True)
    AUTHORS.mkdir(parents=True, exist_ok=True)
    for name, fn in POSTS.items():
        if name in PHOTOS:
            size_shown, orientation, kind, position, seed = PHOTOS[name]
            path = IMAGES / f"{name}.{'heic' if kind == 'heic' else 'jpg'}"
            size = save_photo(photographic(fn().img.convert("RGB"), size_shown, seed), path, orientation, position,
                              kind)
            print(f"{path.relative_to(ROOT)}  {size // 1024} KB, photo-like with GPS")
            assert size <= MAX_PHOTO_BYTES, path
            continue
        path = IMAGES / f"{name}.jpg"
        size = save_jpeg(fn().final(), path, MAX_POST_BYTES)
        print(f"{path.relative_to(ROOT)}  {size // 1024} KB")
        assert size <= MAX_POST_BYTES, path
    for name, fn in VIDEO_POSTERS.items():
        path = IMAGES / f"{name}.jpg"
        size = save_jpeg(fn().final(), path, MAX_POST_BYTES)
        print(f"{path.relative_to(ROOT)}  {size // 1024} KB")
        assert size <= MAX_POST_BYTES, path
    for key, (top, bottom, palette, seed) in PORTRAITS.items():
        path = AUTHORS / f"{key}.jpg"
        size = save_jpeg(portrait(top, bottom, palette, seed), path, MAX_PORTRAIT_BYTES)
        print(f"{path.relative_to(ROOT)}  {size // 1024} KB")
        assert size <= MAX_PORTRAIT_BYTES, path
    mark = logo(256)
    mark.save(IMAGES / "logo.png", optimize=True)
    mark.save(STATIC / "favicon.ico", sizes=[(16, 16), (32, 32), (48, 48)])
    (STATIC / "favicon.svg").write_text(FAVICON_SVG, encoding="utf-8")
    print("static/images/logo.png, static/favicon.ico, static/favicon.svg")


if __name__ == "__main__":
    main()
