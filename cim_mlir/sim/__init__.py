"""Performance simulation of meta-operator flows (cycles, peak power, energy, bound)."""

from cim_mlir.sim.simulator import PerfReport, Simulator, simulate

__all__ = ["PerfReport", "Simulator", "simulate"]
