"""What an agent at work is doing on a simulated desktop at a given moment.

A pure function of the computer and the time, so a desktop moves like a live one (the terminal
log advances, the pointer travels, windows take focus, close and open again) while staying
deterministic: the same computer at the same instant always looks the same, and a frozen clock
gives a still, reproducible picture for tests and screenshots.

Time is quantised to half a second (the fastest a live view refreshes), so two requests within
the same half second get byte-identical pictures and a client can skip unchanged frames.
"""

from __future__ import annotations

import hashlib
import math
from dataclasses import dataclass

FRAME_SECONDS = 0.5  # pictures change at most twice a second
BEAT_SECONDS = 8.0  # the agent turns to another window about this often
LOG_LINE_SECONDS = 1.5  # a new terminal line this often

# Windows of each template, bottom to top in their resting order.
DESKTOP_WINDOWS = ("browser", "editor", "terminal")
SANDBOX_WINDOWS = ("terminal",)

Point = tuple[float, float]


def stable_hash(*parts: object) -> int:
    """A hash that is the same in every process (Python's own `hash` of str is salted)."""
    text = "\x1f".join(str(p) for p in parts)
    return int.from_bytes(hashlib.blake2b(text.encode(), digest_size=8).digest(), "big")


@dataclass(frozen=True, slots=True)
class Scene:
    """One frame's worth of activity: which windows are open, in which order, and so on."""

    frame: int  # FRAME_SECONDS steps since the epoch: equal frames paint equal pictures
    order: tuple[str, ...]  # open windows, bottom to top; the last one has the focus
    log_lines: int  # how many lines the agent's terminal has printed so far
    log_ends_at: float  # epoch seconds of the newest line (for its timestamp)
    pointer: Point  # the mouse pointer, as fractions of the screen
    cursor_on: bool  # the terminal's block cursor blinks once a second

    @property
    def focused(self) -> str | None:
        return self.order[-1] if self.order else None


def windows_for(template_type: str) -> tuple[str, ...]:
    return SANDBOX_WINDOWS if template_type == "miosa-sandbox" else DESKTOP_WINDOWS


def scene_at(computer_id: str, template_type: str, when: float) -> Scene:
    """The scene on `computer_id`'s desktop at `when` (epoch seconds)."""
    frame = math.floor(when / FRAME_SECONDS)
    t = frame * FRAME_SECONDS
    phase = (stable_hash(computer_id, "phase") % 997) / 997 * BEAT_SECONDS * 5
    local = t + phase
    beat = math.floor(local / BEAT_SECONDS)
    windows = windows_for(template_type)
    order = _order(computer_id, windows, beat)
    log_lines = math.floor(local / LOG_LINE_SECONDS)
    log_ends_at = (log_lines * LOG_LINE_SECONDS) - phase
    within = (local - beat * BEAT_SECONDS) / BEAT_SECONDS
    pointer = _pointer(computer_id, beat, within)
    return Scene(
        frame=frame,
        order=order,
        log_lines=log_lines,
        log_ends_at=log_ends_at,
        pointer=pointer,
        cursor_on=math.floor(t) % 2 == 0,
    )


def _order(computer_id: str, windows: tuple[str, ...], beat: int) -> tuple[str, ...]:
    """Focus moves between windows beat by beat; now and then a window is closed for a beat
    (the agent closed the browser, then opened it again)."""
    if len(windows) == 1:
        return windows
    pick = stable_hash(computer_id, "focus", beat) % len(windows)
    focused = windows[pick]
    closed: str | None = None
    if stable_hash(computer_id, "close", beat) % 4 == 0:
        candidates = [w for w in windows if w not in (focused, "terminal")]
        if candidates:
            closed = candidates[stable_hash(computer_id, "which", beat) % len(candidates)]
    rest = tuple(w for w in windows if w not in (focused, closed))
    return (*rest, focused)


def _waypoint(computer_id: str, beat: int) -> Point:
    h = stable_hash(computer_id, "pointer", beat)
    return 0.08 + (h % 1000) / 1000 * 0.84, 0.12 + ((h // 1000) % 1000) / 1000 * 0.7


def _pointer(computer_id: str, beat: int, within: float) -> Point:
    """The pointer glides from the last beat's spot to this beat's in the first half of the
    beat (ease in and out), then rests there: a hand that moves, clicks and waits."""
    start, end = _waypoint(computer_id, beat - 1), _waypoint(computer_id, beat)
    progress = min(1.0, within * 2)
    eased = progress * progress * (3 - 2 * progress)
    return start[0] + (end[0] - start[0]) * eased, start[1] + (end[1] - start[1]) * eased
