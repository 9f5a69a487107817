"""The shared cost model and crossbar mapping (no xDSL)."""

from cim_mlir.cost.mapping import (
    DEFAULT_BINDING,
    Binding,
    Footprint,
    MappingError,
    TileBlock,
    WeightMatrix,
    footprint,
    unroll_conv,
    unroll_matmul,
    vxb_tiles,
)
from cim_mlir.cost.model import (
    LayerTime,
    LayerWork,
    alu_cycles,
    dcom_cycles,
    layer_time,
    layer_time_curve,
    layer_total_curve,
    mvm_cycles,
    peak_active,
    pipelined_latency,
    row_steps,
    sequential_latency,
    shift_add_ops,
    transfer_cycles,
    write_cycles,
    xb_read_cycles,
)

__all__ = [
    "DEFAULT_BINDING", "Binding", "Footprint", "LayerTime", "LayerWork", "MappingError",
    "TileBlock", "WeightMatrix", "alu_cycles", "dcom_cycles", "footprint", "layer_time", "layer_time_curve", "layer_total_curve", "mvm_cycles",
    "peak_active", "pipelined_latency", "row_steps", "sequential_latency", "shift_add_ops",
    "transfer_cycles", "unroll_conv", "unroll_matmul", "vxb_tiles", "write_cycles",
    "xb_read_cycles",
]
