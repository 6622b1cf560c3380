"""Count the default suite's tests by what they talk to, for README's opening paragraph.

Run: python scripts/test_kinds.py

A test "talks real HTTP" when it uses the `sim`/`sim_factory` fixtures (a simulator on a loopback
socket) or its source starts a simulator, server or `--demo` process itself; "MockTransport" when
its source (or its module's helpers) feed the client through `httpx.MockTransport`; the rest are
unit, property and UI tests with no network.
"""

from __future__ import annotations

import inspect
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
OWN_SERVER = ("SimServer(", "--demo", "start_sim", "run_sim", "serve(", "uvicorn")


class Census:
    def __init__(self) -> None:
        self.fixture = self.own = self.mock = self.other = 0
        self._helpers: dict[str, set[str]] = {}

    def _mock_helpers(self, module: object, source: str) -> set[str]:
        """Names of the module's functions and fixtures that build a MockTransport (directly or
        through another such function): a test calling one talks to a mock transport."""
        key = getattr(module, "__name__", "")
        if key not in self._helpers:
            found: set[str] = set()
            if "MockTransport" in source:
                functions = {
                    name: inspect.getsource(obj)
                    for name, obj in vars(module).items()
                    if inspect.isfunction(obj) and not name.startswith("test_")
                    and getattr(obj, "__module__", None) == key
                }  # fmt: skip
                grew = True
                while grew:
                    grew = False
                    for name, text in functions.items():
                        if name not in found and (
                            "MockTransport" in text or any(f"{n}(" in text for n in found)
                        ):
                            found.add(name)
                            grew = True
            self._helpers[key] = {f"{name}(" for name in found} | {
                f"{name}:" for name in found
            }  # fixtures are named as parameters
        return self._helpers[key]

    def pytest_collection_finish(self, session: pytest.Session) -> None:
        for item in session.items:
            names = set(getattr(item, "fixturenames", ()))
            function = getattr(item, "function", None)
            source = inspect.getsource(function) if function is not None else ""
            module = inspect.getsource(item.module) if getattr(item, "module", None) else ""
            if names & {"sim", "sim_factory", "ctl"}:
                self.fixture += 1
            elif any(marker in source for marker in OWN_SERVER):
                self.own += 1
            elif "MockTransport" in source or any(
                name in source for name in self._mock_helpers(item.module, module)
            ):
                self.mock += 1
            else:
                self.other += 1


def main() -> int:
    census = Census()
    code = pytest.main(["--collect-only", "-q", "-p", "no:cacheprovider", str(ROOT / "tests")],
                       plugins=[census])  # fmt: skip
    total = census.fixture + census.own + census.mock + census.other
    real = census.fixture + census.own
    print(
        f"{total} tests: {real} ({real * 100 // max(total, 1)}%) talk real HTTP over loopback "
        f"({census.fixture} through the sim fixtures, {census.own} start their own simulator, "
        f"server or --demo process); {census.mock} use httpx.MockTransport; {census.other} other"
    )
    return int(code)


if __name__ == "__main__":
    sys.exit(main())
