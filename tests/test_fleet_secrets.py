"""Masking, timed reveals and expiry countdowns, with time moved by hand."""

from __future__ import annotations

import pytest

from miosa_tui.fleet.secrets import (
    MASK,
    Reveals,
    expiry_text,
    format_duration,
    is_expired,
    mask,
    shown,
)


class FakeClock:
    def __init__(self, now: float = 1_000.0) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


def test_mask_has_fixed_width_whatever_the_length() -> None:
    assert mask("a") == mask("x" * 200) == MASK
    assert len(MASK) == 8
    assert mask("") == "" and mask(None) == ""


def test_shown_masks_only_unrevealed_secrets() -> None:
    assert shown("hunter22", secret=True) == MASK
    assert shown("hunter22", secret=True, revealed=True) == "hunter22"
    assert shown("https://x", secret=False) == "https://x"
    assert shown(None, secret=True) == ""


def test_reveal_lasts_the_duration_then_masks_again() -> None:
    clock = FakeClock()
    reveals = Reveals(clock, duration=10)
    assert not reveals.is_revealed("pw")
    reveals.reveal("pw")
    assert reveals.is_revealed("pw") and reveals.active
    clock.advance(9.5)
    assert reveals.is_revealed("pw")
    assert reveals.remaining("pw") == pytest.approx(0.5)
    assert reveals.expire() == []
    clock.advance(0.5)
    assert not reveals.is_revealed("pw")
    assert reveals.expire() == ["pw"]
    assert not reveals.active
    assert reveals.remaining("pw") == 0.0


def test_reveal_again_restarts_and_hide_is_immediate() -> None:
    clock = FakeClock()
    reveals = Reveals(clock, duration=10)
    reveals.reveal("a")
    clock.advance(8)
    reveals.reveal("a")
    clock.advance(8)
    assert reveals.is_revealed("a")
    reveals.reveal("b")
    reveals.hide("a")
    assert not reveals.is_revealed("a") and reveals.is_revealed("b")
    reveals.hide_all()
    assert not reveals.is_revealed("b") and not reveals.active


def test_reveal_duration_must_be_positive() -> None:
    with pytest.raises(ValueError):
        Reveals(FakeClock(), duration=0)


@pytest.mark.parametrize(
    ("seconds", "text"),
    [
        (0, "0:00"),
        (0.2, "0:01"),
        (59, "0:59"),
        (60, "1:00"),
        (272, "4:32"),
        (3723, "1:02:03"),
        (-5, "0:00"),
    ],
)
def test_format_duration(seconds: float, text: str) -> None:
    assert format_duration(seconds) == text


def test_expiry_text_counts_down_to_expired() -> None:
    assert expiry_text(1300.0, 1000.0) == "expires in 5:00"
    assert expiry_text(1300.0, 1060.0) == "expires in 4:00"
    assert expiry_text(1300.0, 1299.5) == "expires in 0:01"
    assert expiry_text(1300.0, 1300.0) == "expired"
    assert expiry_text(1300.0, 2000.0) == "expired"
    assert expiry_text(None, 0.0) == "expiry unknown"
    assert is_expired(1300.0, 1300.0) and not is_expired(1300.0, 1299.0)
    assert not is_expired(None, 1e12)
