"""Paints believable desktops with Pillow, deterministic per computer.

The expensive part (wallpaper, windows, terminal text, dock) is painted once per computer and kept
in a small LRU cache; each screenshot only copies that layer and draws the live clock, then
encodes PNG with a low compression level (fast, and screenshots are throwaway).
"""

from __future__ import annotations

import colorsys
import hashlib
import io
import random
import threading
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache

from PIL import Image, ImageDraw, ImageFont

from miosa_tui.sim.catalog import APP_TITLES

Font = ImageFont.FreeTypeFont | ImageFont.ImageFont
Box = tuple[int, int, int, int]

_SITES = ("docs.miosa.ai", "github.com/acme/agents", "news.ycombinator.com", "grafana.internal")
_SITE_TITLES = {
    "docs.miosa.ai": "MIOSA Docs",
    "github.com/acme/agents": "acme / agents",
    "news.ycombinator.com": "Hacker News",
    "grafana.internal": "Fleet overview",
}
_LOG_VERBS = (
    "opening",
    "clicking",
    "typing into",
    "waiting for",
    "reading",
    "scrolling",
    "screenshot of",
    "extracting table from",
)
_LOG_TARGETS = (
    "the search box",
    "'Sign in'",
    "invoice #4821",
    "the results page",
    "settings > billing",
    "the CSV export",
    "a modal dialog",
    "the pricing table",
)


@dataclass(frozen=True, slots=True)
class DesktopSpec:
    """What a desktop depends on; a change (rename, resize) repaints it."""

    id: str
    name: str
    apps: tuple[str, ...]
    region: str = ""
    size: str = ""
    template_type: str = "miosa-desktop"


@lru_cache(maxsize=16)
def _font(size: int) -> Font:
    try:
        return ImageFont.load_default(size=size)
    except (TypeError, OSError):  # Pillow without FreeType: the fixed bitmap font
        return ImageFont.load_default()


def _hash(text: str) -> int:
    return int.from_bytes(hashlib.blake2b(text.encode(), digest_size=8).digest(), "big")


def _hsv(h: float, s: float, v: float) -> tuple[int, int, int]:
    r, g, b = colorsys.hsv_to_rgb(h % 1.0, s, v)
    return int(r * 255), int(g * 255), int(b * 255)


class DesktopPainter:
    """Renders full screenshots and crops; thread-safe, bounded cache."""

    def __init__(
        self,
        width: int = 1280,
        height: int = 800,
        *,
        cache_size: int = 12,
        now: Callable[[], datetime] = datetime.now,
    ) -> None:
        self.width = width
        self.height = height
        self.scale = height / 800
        self._cache: OrderedDict[DesktopSpec, Image.Image] = OrderedDict()
        self._cache_size = cache_size
        self._lock = threading.Lock()
        self._now = now

    def _px(self, value: float) -> int:
        return max(1, round(value * self.scale))

    # ---- public --------------------------------------------------------------------------

    def render(self, spec: DesktopSpec) -> Image.Image:
        """The full desktop with the current clock drawn in."""
        image = self._static(spec).copy()
        self._draw_clock(ImageDraw.Draw(image))
        return image

    def png(self, spec: DesktopSpec, box: Box | None = None) -> bytes:
        """PNG bytes of the desktop, or of the pixel box (left, top, right, bottom)."""
        image = self.render(spec)
        if box is not None:
            image = image.crop(box)
        buffer = io.BytesIO()
        image.save(buffer, format="PNG", compress_level=1)
        return buffer.getvalue()

    # ---- static layer --------------------------------------------------------------------

    def _static(self, spec: DesktopSpec) -> Image.Image:
        with self._lock:
            cached = self._cache.get(spec)
            if cached is not None:
                self._cache.move_to_end(spec)
                return cached
        image = self._paint(spec)
        with self._lock:
            self._cache[spec] = image
            while len(self._cache) > self._cache_size:
                self._cache.popitem(last=False)
        return image

    def _paint(self, spec: DesktopSpec) -> Image.Image:
        rng = random.Random(_hash(spec.id))
        hue = rng.random()
        w, h = self.width, self.height
        top = Image.new("RGB", (w, h), _hsv(hue, 0.55, 0.45))
        bottom = Image.new("RGB", (w, h), _hsv(hue + 0.12, 0.65, 0.18))
        mask = Image.linear_gradient("L").resize((w, h))
        image = Image.composite(bottom, top, mask)
        draw = ImageDraw.Draw(image)
        self._draw_top_bar(draw, spec)
        if spec.template_type == "miosa-sandbox":
            self._terminal(draw, rng, (0.06, 0.09, 0.94, 0.84), spec)
        else:
            self._browser(draw, rng, (0.04, 0.08, 0.62, 0.70))
            self._editor(draw, rng, (0.44, 0.13, 0.96, 0.60))
            self._terminal(draw, rng, (0.20, 0.46, 0.78, 0.86), spec)
        self._dock(draw, spec)
        return image

    def _box(self, frac: tuple[float, float, float, float]) -> Box:
        x0, y0, x1, y1 = frac
        return (
            round(x0 * self.width),
            round(y0 * self.height),
            round(x1 * self.width),
            round(y1 * self.height),
        )

    def _draw_top_bar(self, draw: ImageDraw.ImageDraw, spec: DesktopSpec) -> None:
        bar = self._px(28)
        draw.rectangle((0, 0, self.width, bar), fill=(18, 20, 26))
        font = _font(self._px(14))
        draw.text(
            (self._px(12), bar // 2), "Activities", font=font, fill=(220, 220, 230), anchor="lm"
        )
        label = f"{spec.name}  ·  {spec.region}  ·  {spec.size}".strip(" ·")
        draw.text((self.width // 2, bar // 2), label, font=font, fill=(240, 240, 245), anchor="mm")

    def _draw_clock(self, draw: ImageDraw.ImageDraw) -> None:
        bar = self._px(28)
        text = self._now().strftime("%H:%M:%S")
        draw.text(
            (self.width - self._px(12), bar // 2),
            text,
            font=_font(self._px(14)),
            fill=(240, 240, 245),
            anchor="rm",
        )

    def _window(
        self,
        draw: ImageDraw.ImageDraw,
        frac: tuple[float, float, float, float],
        title: str,
        body: tuple[int, int, int],
    ) -> Box:
        x0, y0, x1, y1 = self._box(frac)
        shadow = self._px(6)
        draw.rounded_rectangle(
            (x0 + shadow, y0 + shadow, x1 + shadow, y1 + shadow), self._px(8), fill=(0, 0, 0)
        )
        draw.rounded_rectangle((x0, y0, x1, y1), self._px(8), fill=body, outline=(70, 72, 80))
        title_h = self._px(30)
        draw.rounded_rectangle((x0, y0, x1, y0 + title_h), self._px(8), fill=(44, 46, 54))
        draw.rectangle((x0, y0 + title_h - self._px(8), x1, y0 + title_h), fill=(44, 46, 54))
        r = self._px(6)
        for i, color in enumerate(((237, 95, 87), (245, 190, 79), (98, 197, 84))):
            cx = x0 + self._px(16) + i * self._px(20)
            cy = y0 + title_h // 2
            draw.ellipse((cx - r, cy - r, cx + r, cy + r), fill=color)
        draw.text(
            ((x0 + x1) // 2, y0 + title_h // 2),
            title,
            font=_font(self._px(13)),
            fill=(225, 225, 232),
            anchor="mm",
        )
        return x0, y0 + title_h, x1, y1

    def _browser(
        self, draw: ImageDraw.ImageDraw, rng: random.Random, frac: tuple[float, float, float, float]
    ) -> None:
        site = rng.choice(_SITES)
        x0, y0, x1, y1 = self._window(draw, frac, f"Firefox - {site}", (245, 246, 250))
        pad = self._px(12)
        draw.rounded_rectangle(
            (x0 + pad, y0 + pad, x1 - pad, y0 + pad + self._px(26)),
            self._px(13),
            fill=(226, 228, 236),
        )
        draw.text(
            (x0 + pad * 2, y0 + pad + self._px(13)),
            f"https://{site}/",
            font=_font(self._px(12)),
            fill=(60, 60, 70),
            anchor="lm",
        )
        y = y0 + pad * 2 + self._px(34)
        draw.text(
            (x0 + pad * 2, y),
            site.split("/")[0].title(),
            font=_font(self._px(22)),
            fill=(30, 30, 40),
        )
        y += self._px(40)
        accent = _hsv(rng.random(), 0.6, 0.8)
        while y < y1 - self._px(30):
            width = rng.uniform(0.45, 0.95) * (x1 - x0 - pad * 4)
            color = accent if rng.random() < 0.15 else (190, 192, 204)
            draw.rounded_rectangle(
                (x0 + pad * 2, y, x0 + pad * 2 + width, y + self._px(9)), self._px(4), fill=color
            )
            y += self._px(rng.choice((18, 18, 30)))

    def _editor(
        self, draw: ImageDraw.ImageDraw, rng: random.Random, frac: tuple[float, float, float, float]
    ) -> None:
        x0, y0, x1, y1 = self._window(draw, frac, "VS Code - agent/main.py", (30, 32, 40))
        gutter = self._px(40)
        draw.rectangle((x0, y0, x0 + gutter, y1 - self._px(8)), fill=(36, 38, 48))
        font = _font(self._px(12))
        palette = (
            (198, 120, 221),
            (97, 175, 239),
            (152, 195, 121),
            (229, 192, 123),
            (171, 178, 191),
        )
        y, line = y0 + self._px(8), 1
        while y < y1 - self._px(22):
            draw.text(
                (x0 + gutter - self._px(6), y),
                str(line),
                font=font,
                fill=(90, 94, 110),
                anchor="ra",
            )
            x = x0 + gutter + self._px(10) + self._px(16) * rng.randint(0, 3)
            for _ in range(rng.randint(1, 4)):
                seg = self._px(rng.randint(24, 90))
                if x + seg > x1 - self._px(10):
                    break
                draw.rounded_rectangle(
                    (x, y + self._px(3), x + seg, y + self._px(11)),
                    self._px(3),
                    fill=rng.choice(palette),
                )
                x += seg + self._px(8)
            y += self._px(18)
            line += 1

    def _terminal(
        self,
        draw: ImageDraw.ImageDraw,
        rng: random.Random,
        frac: tuple[float, float, float, float],
        spec: DesktopSpec,
    ) -> None:
        x0, y0, _x1, y1 = self._window(draw, frac, f"Terminal - agent@{spec.name}", (16, 18, 22))
        font = _font(self._px(13))
        step = self._px(18)
        y = y0 + self._px(10)
        hour, minute, second = rng.randint(8, 17), rng.randint(0, 59), rng.randint(0, 59)
        lines = [(f"agent@{spec.name}:~$ miosa-agent run --task nightly-report", (120, 220, 140))]
        while y + step * (len(lines) + 1) < y1 - self._px(10):
            second += rng.randint(1, 9)
            minute += second // 60
            second %= 60
            stamp = f"[{hour:02d}:{minute % 60:02d}:{second:02d}]"
            if rng.random() < 0.12:
                text = f"{stamp} warn: retrying after 429 (attempt {rng.randint(1, 3)})"
                color = (235, 190, 90)
            else:
                action = f"{rng.choice(_LOG_VERBS)} {rng.choice(_LOG_TARGETS)}"
                text = f"{stamp} step {len(lines)}: {action}"
                color = (205, 210, 220)
            lines.append((text, color))
        for text, color in lines:
            draw.text((x0 + self._px(12), y), text, font=font, fill=color)
            y += step
        cursor = (x0 + self._px(12), y + self._px(2), x0 + self._px(20), y + self._px(16))
        draw.rectangle(cursor, fill=(205, 210, 220))

    def _dock(self, draw: ImageDraw.ImageDraw, spec: DesktopSpec) -> None:
        icon = self._px(44)
        gap = self._px(22)
        apps = spec.apps or ("terminal",)
        total = len(apps) * icon + (len(apps) - 1) * gap
        dock_h = self._px(82)
        x0 = (self.width - total) // 2 - self._px(20)
        y0 = self.height - dock_h - self._px(6)
        draw.rounded_rectangle(
            (x0, y0, self.width - x0, self.height - self._px(6)),
            self._px(16),
            fill=(24, 26, 34),
            outline=(80, 84, 96),
        )
        label_font = _font(self._px(11))
        letter_font = _font(self._px(20))
        x = x0 + self._px(20)
        for app in apps:
            color = _hsv((_hash(app) % 360) / 360, 0.55, 0.85)
            top = y0 + self._px(8)
            draw.rounded_rectangle((x, top, x + icon, top + icon), self._px(10), fill=color)
            draw.text(
                (x + icon // 2, top + icon // 2),
                app[:1].upper(),
                font=letter_font,
                fill=(255, 255, 255),
                anchor="mm",
            )
            title = APP_TITLES.get(app, app.title())
            draw.text(
                (x + icon // 2, top + icon + self._px(14)),
                title,
                font=label_font,
                fill=(215, 218, 228),
                anchor="mm",
            )
            x += icon + gap
