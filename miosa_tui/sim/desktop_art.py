"""The still parts of a simulated desktop, painted once per computer with Pillow.

Wallpaper, top bar, dock and each window (frame and contents) are separate pieces so that
`desktop.DesktopPainter` can stack the windows in a different order every few seconds, leave one
out while the agent has it closed, and write the live terminal log and pointer on top.
"""

from __future__ import annotations

import colorsys
import random
from functools import lru_cache

from PIL import Image, ImageDraw, ImageFont

from miosa_tui.sim.catalog import APP_TITLES
from miosa_tui.sim.desktop_motion import stable_hash

Font = ImageFont.FreeTypeFont | ImageFont.ImageFont
Box = tuple[int, int, int, int]
Frac = tuple[float, float, float, float]

_SITES = ("docs.miosa.ai", "github.com/acme/agents", "news.ycombinator.com", "grafana.internal")
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

# Where each window sits, as fractions of the screen (left, top, right, bottom).
DESKTOP_LAYOUT: dict[str, Frac] = {
    "browser": (0.04, 0.08, 0.62, 0.70),
    "editor": (0.44, 0.13, 0.96, 0.60),
    "terminal": (0.20, 0.46, 0.78, 0.86),
}
SANDBOX_LAYOUT: dict[str, Frac] = {"terminal": (0.06, 0.09, 0.94, 0.84)}
TITLE_BAR = (44, 46, 54)
FOCUSED_TITLE_BAR = (62, 82, 122)
TERMINAL_TEXT = (205, 210, 220)


@lru_cache(maxsize=16)
def font(size: int) -> Font:
    try:
        return ImageFont.load_default(size=size)
    except (TypeError, OSError):  # Pillow without FreeType: the fixed bitmap font
        return ImageFont.load_default()


def hsv(h: float, s: float, v: float) -> tuple[int, int, int]:
    r, g, b = colorsys.hsv_to_rgb(h % 1.0, s, v)
    return int(r * 255), int(g * 255), int(b * 255)


def log_line(computer_id: str, index: int) -> tuple[str, tuple[int, int, int]]:
    """Line `index` of the agent's log on `computer_id` (without its timestamp)."""
    h = stable_hash(computer_id, "log", index)
    if h % 100 < 12:
        return f"warn: retrying after 429 (attempt {h // 100 % 3 + 1})", (235, 190, 90)
    verb = _LOG_VERBS[h // 100 % len(_LOG_VERBS)]
    target = _LOG_TARGETS[h // 10_000 % len(_LOG_TARGETS)]
    return f"step {index % 10_000}: {verb} {target}", TERMINAL_TEXT


class DesktopArt:
    """Paints the pieces at one screen size; `self.scale` keeps proportions at any size."""

    def __init__(self, width: int, height: int) -> None:
        self.width = width
        self.height = height
        self.scale = height / 800

    def px(self, value: float) -> int:
        return max(1, round(value * self.scale))

    def box(self, frac: Frac) -> Box:
        x0, y0, x1, y1 = frac
        return (
            round(x0 * self.width),
            round(y0 * self.height),
            round(x1 * self.width),
            round(y1 * self.height),
        )

    # ---- the background: wallpaper, top bar (without its clock) and dock -----------------

    def background(self, computer_id: str, label: str, apps: tuple[str, ...]) -> Image.Image:
        hue = random.Random(stable_hash(computer_id)).random()
        w, h = self.width, self.height
        top = Image.new("RGB", (w, h), hsv(hue, 0.55, 0.45))
        bottom = Image.new("RGB", (w, h), hsv(hue + 0.12, 0.65, 0.18))
        mask = Image.linear_gradient("L").resize((w, h))
        image = Image.composite(bottom, top, mask)
        draw = ImageDraw.Draw(image)
        bar = self.px(28)
        draw.rectangle((0, 0, self.width, bar), fill=(18, 20, 26))
        bar_font = font(self.px(14))
        draw.text(
            (self.px(12), bar // 2), "Activities", font=bar_font, fill=(220, 220, 230), anchor="lm"
        )
        draw.text(
            (self.width // 2, bar // 2), label, font=bar_font, fill=(240, 240, 245), anchor="mm"
        )
        self._dock(draw, apps)
        return image

    # ---- windows: a transparent layer each, the size of the screen's box it covers -------

    def window_layer(
        self, computer_id: str, kind: str, frac: Frac, title_name: str, focused: bool
    ) -> tuple[Image.Image, tuple[int, int], Box]:
        """(RGBA layer, where to paste it, the body box in screen pixels)."""
        canvas = Image.new("RGBA", (self.width, self.height), (0, 0, 0, 0))
        draw = ImageDraw.Draw(canvas)
        rng = random.Random(stable_hash(computer_id, kind))
        bar = FOCUSED_TITLE_BAR if focused else TITLE_BAR
        if kind == "browser":
            site = rng.choice(_SITES)
            body = self._window(draw, frac, f"Firefox - {site}", (245, 246, 250), bar)
            self._browser(draw, rng, body, site)
        elif kind == "editor":
            body = self._window(draw, frac, "VS Code - agent/main.py", (30, 32, 40), bar)
            self._editor(draw, rng, body)
        else:
            body = self._window(draw, frac, f"Terminal - agent@{title_name}", (16, 18, 22), bar)
        x0, y0, x1, y1 = self.box(frac)
        shadow = self.px(6)
        crop = (x0, y0, min(self.width, x1 + shadow + 1), min(self.height, y1 + shadow + 1))
        return canvas.crop(crop), (x0, y0), body

    def terminal_text(
        self,
        draw: ImageDraw.ImageDraw,
        body: Box,
        lines: list[tuple[str, tuple[int, int, int]]],
        prompt: str,
        cursor_on: bool,
    ) -> None:
        """The newest log lines that fit, then the prompt and a block cursor."""
        x0, y0, _x1, y1 = body
        text_font = font(self.px(13))
        step = self.px(18)
        fits = max(1, (y1 - y0 - self.px(20)) // step - 1)
        y = y0 + self.px(10)
        for text, color in lines[-fits:]:
            draw.text((x0 + self.px(12), y), text, font=text_font, fill=color)
            y += step
        draw.text((x0 + self.px(12), y), prompt, font=text_font, fill=(120, 220, 140))
        if cursor_on:
            left = x0 + self.px(12) + round(draw.textlength(prompt, font=text_font)) + self.px(4)
            draw.rectangle(
                (left, y + self.px(2), left + self.px(8), y + self.px(16)), fill=TERMINAL_TEXT
            )

    def pointer(self, draw: ImageDraw.ImageDraw, at: tuple[float, float]) -> None:
        """A mouse pointer with its tip at `at` (fractions of the screen)."""
        x, y = at[0] * self.width, at[1] * self.height
        s = self.px(1)
        shape = [(0, 0), (0, 17), (4, 13), (7, 20), (10, 19), (7, 12), (12, 12)]
        points = [(x + dx * s, y + dy * s) for dx, dy in shape]
        draw.polygon(points, fill=(250, 250, 250), outline=(10, 10, 10))

    def clock(self, draw: ImageDraw.ImageDraw, text: str) -> None:
        bar = self.px(28)
        draw.text(
            (self.width - self.px(12), bar // 2),
            text,
            font=font(self.px(14)),
            fill=(240, 240, 245),
            anchor="rm",
        )

    def _window(
        self,
        draw: ImageDraw.ImageDraw,
        frac: Frac,
        title: str,
        body: tuple[int, int, int],
        bar: tuple[int, int, int],
    ) -> Box:
        x0, y0, x1, y1 = self.box(frac)
        shadow = self.px(6)
        draw.rounded_rectangle(
            (x0 + shadow, y0 + shadow, x1 + shadow, y1 + shadow), self.px(8), fill=(0, 0, 0)
        )
        draw.rounded_rectangle((x0, y0, x1, y1), self.px(8), fill=body, outline=(70, 72, 80))
        title_h = self.px(30)
        draw.rounded_rectangle((x0, y0, x1, y0 + title_h), self.px(8), fill=bar)
        draw.rectangle((x0, y0 + title_h - self.px(8), x1, y0 + title_h), fill=bar)
        r = self.px(6)
        for i, color in enumerate(((237, 95, 87), (245, 190, 79), (98, 197, 84))):
            cx = x0 + self.px(16) + i * self.px(20)
            cy = y0 + title_h // 2
            draw.ellipse((cx - r, cy - r, cx + r, cy + r), fill=color)
        draw.text(
            ((x0 + x1) // 2, y0 + title_h // 2),
            title,
            font=font(self.px(13)),
            fill=(225, 225, 232),
            anchor="mm",
        )
        return x0, y0 + title_h, x1, y1

    def _browser(self, draw: ImageDraw.ImageDraw, rng: random.Random, body: Box, site: str) -> None:
        x0, y0, x1, y1 = body
        pad = self.px(12)
        draw.rounded_rectangle(
            (x0 + pad, y0 + pad, x1 - pad, y0 + pad + self.px(26)),
            self.px(13),
            fill=(226, 228, 236),
        )
        draw.text(
            (x0 + pad * 2, y0 + pad + self.px(13)),
            f"https://{site}/",
            font=font(self.px(12)),
            fill=(60, 60, 70),
            anchor="lm",
        )
        y = y0 + pad * 2 + self.px(34)
        draw.text(
            (x0 + pad * 2, y),
            site.split("/")[0].title(),
            font=font(self.px(22)),
            fill=(30, 30, 40),
        )
        y += self.px(40)
        accent = hsv(rng.random(), 0.6, 0.8)
        while y < y1 - self.px(30):
            width = rng.uniform(0.45, 0.95) * (x1 - x0 - pad * 4)
            color = accent if rng.random() < 0.15 else (190, 192, 204)
            draw.rounded_rectangle(
                (x0 + pad * 2, y, x0 + pad * 2 + width, y + self.px(9)), self.px(4), fill=color
            )
            y += self.px(rng.choice((18, 18, 30)))

    def _editor(self, draw: ImageDraw.ImageDraw, rng: random.Random, body: Box) -> None:
        x0, y0, x1, y1 = body
        gutter = self.px(40)
        draw.rectangle((x0, y0, x0 + gutter, y1 - self.px(8)), fill=(36, 38, 48))
        code_font = font(self.px(12))
        palette = (
            (198, 120, 221),
            (97, 175, 239),
            (152, 195, 121),
            (229, 192, 123),
            (171, 178, 191),
        )
        y, line = y0 + self.px(8), 1
        while y < y1 - self.px(22):
            draw.text(
                (x0 + gutter - self.px(6), y),
                str(line),
                font=code_font,
                fill=(90, 94, 110),
                anchor="ra",
            )
            x = x0 + gutter + self.px(10) + self.px(16) * rng.randint(0, 3)
            for _ in range(rng.randint(1, 4)):
                seg = self.px(rng.randint(24, 90))
                if x + seg > x1 - self.px(10):
                    break
                draw.rounded_rectangle(
                    (x, y + self.px(3), x + seg, y + self.px(11)),
                    self.px(3),
                    fill=rng.choice(palette),
                )
                x += seg + self.px(8)
            y += self.px(18)
            line += 1

    def _dock(self, draw: ImageDraw.ImageDraw, apps: tuple[str, ...]) -> None:
        icon = self.px(44)
        gap = self.px(22)
        apps = apps or ("terminal",)
        total = len(apps) * icon + (len(apps) - 1) * gap
        dock_h = self.px(82)
        x0 = (self.width - total) // 2 - self.px(20)
        y0 = self.height - dock_h - self.px(6)
        draw.rounded_rectangle(
            (x0, y0, self.width - x0, self.height - self.px(6)),
            self.px(16),
            fill=(24, 26, 34),
            outline=(80, 84, 96),
        )
        label_font = font(self.px(11))
        letter_font = font(self.px(20))
        x = x0 + self.px(20)
        for app in apps:
            color = hsv((stable_hash(app) % 360) / 360, 0.55, 0.85)
            top = y0 + self.px(8)
            draw.rounded_rectangle((x, top, x + icon, top + icon), self.px(10), fill=color)
            draw.text(
                (x + icon // 2, top + icon // 2),
                app[:1].upper(),
                font=letter_font,
                fill=(255, 255, 255),
                anchor="mm",
            )
            title = APP_TITLES.get(app, app.title())
            draw.text(
                (x + icon // 2, top + icon + self.px(14)),
                title,
                font=label_font,
                fill=(215, 218, 228),
                anchor="mm",
            )
            x += icon + gap
