"""Lowering of scheduled cim IR to cim.mop flows (used by convert-cim-to-mop)."""
