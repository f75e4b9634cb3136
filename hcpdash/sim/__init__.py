"""The built-in HCP simulator: systems on loopback that speak MAPI, /proc, node_status and DNS.

``Simulator`` runs on the caller's event loop; ``SimulatorThread`` runs one in a
background thread (tests, ``hcpdash demo``). It is a server: nothing in
``hcpdash.hcp`` or ``hcpdash.monitor`` imports it.
"""

from hcpdash.sim.model import PASSWORDS, SimOptions
from hcpdash.sim.runner import SimPorts, Simulator, SimulatorThread

__all__ = ["PASSWORDS", "SimOptions", "SimPorts", "Simulator", "SimulatorThread"]
