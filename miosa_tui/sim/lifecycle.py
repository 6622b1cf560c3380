"""The lifecycle state machine: which action is allowed from which status, and what follows.

Each `plan_*`/`check_*` function either refuses with a 409 or returns the `Plan` to run: the
status to show at once and the timed steps after it (sim/schedule.py runs them). Durations, in
seconds at speed 1 (the speed factor F divides them): creating -> running 8 s, starting ->
running 4 s, stopping -> stopped 3 s, restart = stopping 3 s -> starting 4 s -> running,
destroying 2 s and then the computer is gone (404, absent from the list).

What the MIOSA docs state (E computer.ex, reference §3): start a stopped computer, stop or
restart a running one. Start also resumes a `paused` one; stop and restart need `running`.

Decisions where the SDKs are silent (reference §4.2-4.3):
- Same-state actions are refused with 409 INVALID_STATE ("computer X is already running").
- Actions on a computer that is mid-transition are refused with 409 (wait for it to settle),
  except destroy, which is allowed from any status but `destroying`. Destroy needs no `force`.
- `error` is terminal (T: "destroy and retry"): only destroy is allowed.
- Resize of a running computer reboots it: the new size shows at once and the status goes
  stopping -> starting -> running (like a restart). Resize of a stopped or paused computer just
  changes the size and stays put. Resizing to the current size is 409 ("already size small").
- Move is refused with 409 unless the computer is stopped ("stop it before moving it"): moving a
  disk between regions is a cold operation, and refusing is clearer than a silent reboot.
  A move changes the region (and host_id / IP) immediately; the computer stays stopped.
- Clone is allowed from running, stopped or paused; the clone starts in `creating`.
"""

from __future__ import annotations

from dataclasses import dataclass

from miosa_tui.sim.catalog import RUNNING, TRANSITIONAL
from miosa_tui.sim.computer import GONE, SimComputer
from miosa_tui.sim.errors import SimError

# Durations in seconds at speed 1.0.
CREATE_S = 8.0
START_S = 4.0
STOP_S = 3.0
DESTROY_S = 2.0

IDLE = ("stopped", "paused")  # settled but not running


@dataclass(frozen=True, slots=True)
class Plan:
    """What an accepted action does: show `first` now (None: keep the status), then walk
    `steps`, each `(status, seconds at speed 1)` after the one before."""

    first: str | None
    steps: tuple[tuple[str, float], ...]


BOOT = Plan(None, (("running", CREATE_S),))  # a new computer is created in `creating`
START = Plan("starting", (("running", START_S),))
STOP = Plan("stopping", (("stopped", STOP_S),))
REBOOT = Plan("stopping", (("starting", STOP_S), ("running", START_S)))  # restart, live resize
DESTROY = Plan("destroying", ((GONE, DESTROY_S),))

# A computer seeded mid-transition finishes it, as if the action had just been sent.
SEEDED_IN_FLIGHT = {
    "creating": BOOT,
    "starting": Plan(None, START.steps),
}


PAST = {
    "start": "started",
    "stop": "stopped",
    "restart": "restarted",
    "clone": "cloned",
    "resize": "resized",
    "move": "moved",
    "update": "updated",
}


def refuse(computer: SimComputer, action: str) -> SimError:
    """The 409 for an action the current status does not allow, saying what to do instead."""
    name, status = computer.name, computer.status
    if status == "error":
        text = f"computer {name} is in error; destroy it and create a new one"
    elif status == "destroying":
        text = f"computer {name} is being destroyed"
    elif status in TRANSITIONAL:
        text = f"computer {name} is {status}; wait until it settles, then {action} it"
    else:
        text = f"computer {name} is {status}; it can't be {PAST.get(action, action)} now"
    return SimError(409, "INVALID_STATE", text)


def plan_start(c: SimComputer) -> Plan:
    if c.status in RUNNING:
        raise SimError(409, "INVALID_STATE", f"computer {c.name} is already running")
    if c.status not in IDLE:
        raise refuse(c, "start")
    return START


def plan_stop(c: SimComputer) -> Plan:
    if c.status == "stopped":
        raise SimError(409, "INVALID_STATE", f"computer {c.name} is already stopped")
    if c.status not in RUNNING:
        raise refuse(c, "stop")
    return STOP


def plan_restart(c: SimComputer) -> Plan:
    if c.status == "stopped":
        raise SimError(409, "INVALID_STATE", f"computer {c.name} is stopped; start it instead")
    if c.status not in RUNNING:
        raise refuse(c, "restart")
    return REBOOT


def plan_destroy(c: SimComputer) -> Plan:
    if c.status == "destroying":
        raise SimError(409, "INVALID_STATE", f"computer {c.name} is already being destroyed")
    return DESTROY


def check_clone(source: SimComputer) -> None:
    if source.status not in RUNNING and source.status not in IDLE:
        raise refuse(source, "clone")


def plan_resize(c: SimComputer, size: str) -> Plan | None:
    """REBOOT for a running computer; None (the size just changes) for a stopped or paused one."""
    if c.status not in RUNNING and c.status not in IDLE:
        raise refuse(c, "resize")
    if size == c.size:
        raise SimError(409, "INVALID_STATE", f"computer {c.name} is already size {size}")
    return REBOOT if c.status in RUNNING else None


def check_move(c: SimComputer, region: str, host_id: str | None) -> None:
    if c.status != "stopped":
        if c.status in RUNNING:
            text = f"computer {c.name} is running; stop it before moving it"
        else:
            text = f"computer {c.name} is {c.status}; only a stopped computer can move"
        raise SimError(409, "INVALID_STATE", text)
    if region == c.region and (host_id is None or host_id == c.host_id):
        raise SimError(409, "INVALID_STATE", f"computer {c.name} is already in {region}")
