"""The embedded MIOSA API simulator (Starlette + uvicorn). Never imports api/, fleet/ or Textual."""

from miosa_tui.sim.config import SimConfig
from miosa_tui.sim.faults import FaultConfig

__all__ = ["FaultConfig", "SimConfig"]
