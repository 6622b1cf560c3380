"""What a MIOSA computer can be: statuses, sizes, regions, templates, visibilities and apps.

One spelling of each wire enum (reference §3 and §7), shared by the validators, the lifecycle
rules, the seeded fleet and the routes, so they can never disagree about what exists.
"""

from __future__ import annotations

from miosa_tui.naming import NAME_MAX

# P's strict enum: the only statuses the simulator emits on its own.
STATUSES = (
    "creating", "provisioning", "starting", "running", "active", "paused",
    "stopping", "stopped", "error", "destroying", "destroyed",
)  # fmt: skip
TRANSITIONAL = frozenset({"creating", "provisioning", "starting", "stopping", "destroying"})
RUNNING = frozenset({"running", "active"})

# size -> (vCPU, memory MB)
SIZES: dict[str, tuple[int, int]] = {
    "xs": (1, 2048),
    "small": (2, 4096),
    "medium": (4, 8192),
    "large": (8, 16384),
    "xl": (16, 32768),
}
SIZE_ALIASES = {"xlarge": "xl"}

REGIONS: dict[str, str] = {
    "us-mia": "Miami",
    "us-nyc": "New York",
    "us-la": "Los Angeles",
    "eu-fra": "Frankfurt",
    "ap-sin": "Singapore",
}
# The short form a region takes inside host ids and seeded names ("host-mia-03", "qa-box-mia").
REGION_TAGS = {"us-mia": "mia", "us-nyc": "nyc", "us-la": "la", "eu-fra": "eu", "ap-sin": "sg"}

TEMPLATES = ("miosa-desktop", "miosa-sandbox")
VISIBILITIES = ("public", "tenant", "key")
MAX_NAME = NAME_MAX  # the shared name rule (miosa_tui.naming)

APP_TITLES: dict[str, str] = {
    "terminal": "Terminal",
    "files": "Files",
    "firefox": "Firefox",
    "chromium": "Chromium",
    "code": "VS Code",
    "libreoffice": "LibreOffice",
    "gimp": "GIMP",
    "slack": "Slack",
    "postman": "Postman",
    "jupyter": "Jupyter",
    "thunderbird": "Thunderbird",
    "vlc": "VLC",
}
