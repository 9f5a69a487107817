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
    dcom_ops,
    layer_time,
    layer_time_curve,
    layer_total_curve,
    mvm_cycles,
    PipelineTrace,
    peak_active,
    pipeline_trace,
    pipelined_latency,
    row_steps,
    sequential_latency,
    shift_add_ops,
    step_cycles,
    steps_cycles,
    transfer_cycles,
    write_cycles,
    xb_active_power,
    xb_read_cycles,
    xb_step_energy,
)

__all__ = [
    "DEFAULT_BINDING", "Binding", "Footprint", "LayerTime", "LayerWork", "MappingError",
    "TileBlock", "WeightMatrix", "alu_cycles", "dcom_cycles", "dcom_ops", "footprint", "layer_time", "layer_time_curve", "layer_total_curve", "mvm_cycles",
    "PipelineTrace", "peak_active", "pipeline_trace", "pipelined_latency", "row_steps", "sequential_latency", "shift_add_ops", "step_cycles", "steps_cycles",
    "transfer_cycles", "unroll_conv", "unroll_matmul", "vxb_tiles", "write_cycles",
    "xb_active_power", "xb_read_cycles", "xb_step_energy",
]
