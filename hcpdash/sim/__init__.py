"""The built-in HCP simulator: systems on loopback that speak MAPI, /proc, node_status and DNS.

``Simulator`` runs on the caller's event loop; ``SimulatorThread`` runs one in a
background thread (tests); ``process.simulator_process`` runs ``hcpdash simulate`` as a
child process (``hcpdash demo``, ``hcpdash bench``). It is a server: nothing in
``hcpdash.hcp`` or ``hcpdash.monitor`` imports it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from hcpdash.sim.model import PASSWORDS, SimOptions

if TYPE_CHECKING:
    from hcpdash.sim.runner import SimPorts, Simulator, SimulatorThread

__all__ = ["PASSWORDS", "SimOptions", "SimPorts", "Simulator", "SimulatorThread"]


def __getattr__(name: str) -> Any:
    """The servers (TLS, DNS, HTTP) load on first use: every command's argument parser
    reads the simulator's options, and only ``simulate``, ``demo`` and tests run one."""
    if name in ("SimPorts", "Simulator", "SimulatorThread"):
        from hcpdash.sim import runner
        return getattr(runner, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
