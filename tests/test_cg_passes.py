"""The core-mode (CM) level end to end: cg-segment, cg-dup, cg-pipeline,
convert-cim-to-mop and the cim-opt driver around them.

* every zoo model (light form) compiles in CM on isaac-baseline and
  jia-isscc21 to a flow that verifies, with the schedule's invariants
  (cores per segment disjoint and on the chip, a write_core for every
  read_core, pipeline stages and waits consistent with the graph);
* operators larger than the chip are split into parts that tile the matrix;
* core_number = 1, parallel_row = 1, bandwidth-bound layers;
* numerics: the edge cases (odd shapes, copies with halos, split parts,
  grouped convs, Gemm/MatMul forms) match onnxruntime on the interpreter;
* the driver: mode errors, ``--cg-dup=solver=cpsat`` == ``-p 'cg-dup{solver=cpsat}'``,
  pass-flag order, and ResNet-50 in under 10 s (slow).
"""

from __future__ import annotations

import re
import subprocess
import sys
import time
from collections import defaultdict
from pathlib import Path

import model_zoo
import pytest
from xdsl.dialects import func
from xdsl.dialects.builtin import ModuleOp

from graphs import Graph
from zoo_passes import load_model, run_passes

from cim_mlir import remarks
from cim_mlir.arch import ComputingMode, load_arch
from cim_mlir.arch.loader import arch_from_dict
from cim_mlir.dialects.cim import set_arch
from cim_mlir.dialects.core import CimCoreOp, ConvOp
from cim_mlir.dialects.mop import FlowOp, ReadCoreOp, WriteCoreOp
from cim_mlir.frontend.onnx_importer import import_onnx
from cim_mlir.passes.cg_graph import build_graph, by_segment, evaluate_segment, time_curves
from cim_mlir.passes.registry import available_passes
from cim_mlir.tools.cim_opt import run

ort = pytest.importorskip("onnxruntime")

REPO = Path(__file__).resolve().parent.parent
EXAMPLES = REPO / "examples"
SLOW_MODELS = {"resnet50", "resnet101", "vgg16", "vit_b16"}
CM_ARCHS = ("isaac-baseline", "jia-isscc21")


@pytest.fixture(autouse=True)
def _quiet_remarks():
    remarks.enabled = False
    yield
    remarks.enabled = True




CG = ("onnx-canonicalize", "convert-onnx-to-cim-core", "cg-segment", "cg-dup", "cg-pipeline")


# --------------------------------------------------------------------------------------
# Invariants


def check_schedule(module: ModuleOp, arch) -> None:
    """cim.core level after cg-dup and cg-pipeline."""
    layers = build_graph(module, arch)
    assert layers, "no CIM operator"
    segments = by_segment(layers)
    assert list(segments) == list(range(len(segments))), "segments are numbered 0..n-1"
    seg_of = {}
    for seg, seg_layers in segments.items():
        taken: set[int] = set()
        names = {layer.name for layer in seg_layers}
        if all(layer.op.sched.stage.data == 0 for layer in seg_layers):
            # cg-pipeline left it sequential: only when the pipeline is estimated slower
            before = evaluate_segment(seg_layers, arch, pipelined=False).latency
            assert evaluate_segment(seg_layers, arch, pipelined=True).latency > before
        for layer in seg_layers:
            sched = layer.op.sched
            seg_of[layer.name] = seg
            cores = sched.core_list
            assert len(cores) == sched.dup.data * layer.fp.cores, layer.name
            assert 1 <= sched.dup.data <= layer.max_dup, layer.name
            assert all(0 <= c < arch.num_cores for c in cores), layer.name
            assert not taken & set(cores), f"{layer.name}: cores {cores} already taken"
            taken |= set(cores)
            # pipeline: stage = 1 + deepest in-segment producer; wait within its rows
            preds = [p for p in layer.preds if p in names]
            stages = {l.name: l.op.sched.stage.data for l in seg_layers}
            rows = {l.name: l.work.out_rows for l in seg_layers}
            if sched.stage.data == 0:
                assert sched.wait.data == 0, layer.name
                continue
            assert sched.stage.data == 1 + max((stages[p] for p in preds), default=0)
            if preds:
                assert 1 <= sched.wait.data <= max(rows[p] for p in preds), layer.name
            else:
                assert sched.wait.data == 0, layer.name
    # program order never goes back to an earlier segment
    order = [seg_of[layer.name] for layer in layers]
    assert order == sorted(order)


def check_flow(module: ModuleOp, arch) -> FlowOp:
    """cim.mop level: one flow, weights written where they are read."""
    module.verify()
    assert not any(isinstance(op, func.FuncOp) for op in module.walk())
    (flow,) = [op for op in module.walk() if isinstance(op, FlowOp)]
    assert flow.mode.data == "CM"
    table = flow.schedule.as_dict() if flow.schedule is not None else {}
    segments = flow.segments()
    assert [s.index.data for s in segments] == list(range(len(segments)))
    reads_per_layer: dict[str, int] = defaultdict(int)
    for seg in segments:
        owner: dict[int, str] = {}
        for op in seg.init.walk():
            if isinstance(op, WriteCoreOp):
                for c in range(op.core.data, op.core.data + op.len.data):
                    assert c < arch.num_cores
                    assert c not in owner, f"core {c} programmed twice in segment " \
                                           f"{seg.index.data}"
                    owner[c] = op.layer.data
        for op in seg.compute.walk():
            if isinstance(op, ReadCoreOp):
                layer = op.layer.data
                reads_per_layer[layer] += 1
                for c in range(op.core.data, op.core.data + op.len.data):
                    assert owner.get(c) == layer, f"{layer} reads core {c} holding {owner.get(c)}"
                assert table[layer]["segment"] == seg.index.data
    for layer, entry in table.items():
        assert reads_per_layer[layer] == entry["dup"], layer
    return flow


# --------------------------------------------------------------------------------------
# The zoo in CM


def zoo_params():
    for model in model_zoo.MODELS:
        for arch_name in CM_ARCHS:
            marks = [pytest.mark.slow] if model in SLOW_MODELS else []
            yield pytest.param(model, arch_name, marks=marks, id=f"{model}-{arch_name}")


@pytest.mark.parametrize("model, arch_name", list(zoo_params()))
def test_zoo_compiles_in_cm(model: str, arch_name: str) -> None:
    arch = load_arch(arch_name).with_mode(ComputingMode.CM)
    module = run_passes(load_model(model, arch), *CG)
    check_schedule(module, arch)
    run_passes(module, "convert-cim-to-mop")
    check_flow(module, arch)


@pytest.mark.parametrize("model", ["small_cnn", "mlp", "conv_relu"])
def test_cim_mlc_equals_the_pass_sequence(model: str) -> None:
    arch = load_arch("isaac-baseline").with_mode(ComputingMode.CM)
    a = run_passes(load_model(model, arch), *CG, "convert-cim-to-mop")
    b = run_passes(load_model(model, arch), "cim-mlc")
    assert str(a) == str(b)


_ESTIMATE = re.compile(r"segment (\d+): \d+ stages, estimated (\d+) cycles pipelined vs "
                       r"(\d+) sequential")


@pytest.mark.parametrize("model, arch_name", [("mlp", "isaac-baseline"),
                                              ("mlp", "jia-isscc21"),
                                              ("alexnet", "isaac-baseline"),
                                              ("vgg11", "isaac-baseline")])
def test_cg_pipeline_never_keeps_a_slower_schedule(model: str, arch_name: str) -> None:
    """cg-pipeline once kept pipelines its own estimate rated slower ("64000 cycles
    pipelined vs 38400 sequential", AlexNet/VGG on isaac-baseline: a consumer waited for
    its producer's whole run plus one MVM). The kept schedule is never the slower one."""
    import corpus

    arch = load_arch(arch_name).with_mode(ComputingMode.CM)
    if model in corpus.MODELS:
        module = import_onnx(corpus.load(model, light=True))
        set_arch(module, arch)
    else:
        module = load_model(model, arch)
    bucket = remarks.collect()
    try:
        run_passes(module, *CG)
    finally:
        remarks.stop_collecting()
    found = [m for line in bucket if (m := _ESTIMATE.search(line))]
    assert found
    for layers in by_segment(build_graph(module, arch)).values():
        kept = evaluate_segment(layers, arch).latency
        assert kept <= evaluate_segment(layers, arch, pipelined=False).latency * (1 + 1e-9)
    for m in found:
        assert int(m.group(2)) <= int(m.group(3)) or "kept sequential" in m.string


# --------------------------------------------------------------------------------------
# Edge cases


def test_core_number_one() -> None:
    """One core of 16 crossbars: every layer alone in its segment, one copy on core 0."""
    arch = arch_from_dict({"name": "one-core", "computing_mode": "CM",
                           "chip": {"core_number": [1, 1]}, "core": {"xb_number": [4, 4]},
                           "crossbar": {"xb_size": [128, 128], "parallel_row": 128}})
    module = run_passes(load_model("small_cnn", arch), *CG)
    check_schedule(module, arch)
    ops = [op for op in module.walk() if isinstance(op, CimCoreOp)]
    assert [op.sched.segment.data for op in ops] == list(range(len(ops)))
    assert all(op.sched.core_list == [0] and op.sched.dup.data == 1 for op in ops)
    run_passes(module, "convert-cim-to-mop")
    assert len(check_flow(module, arch).segments()) == len(ops)


def test_parallel_row_one_compiles_and_is_slower() -> None:
    def arch(parallel_row: int):
        return arch_from_dict({"name": f"pr{parallel_row}", "computing_mode": "CM",
                               "chip": {"core_number": [8, 8]}, "core": {"xb_number": [2, 2]},
                               "crossbar": {"xb_size": [64, 64],
                                            "parallel_row": parallel_row}})

    totals = {}
    for pr in (1, 64):
        a = arch(pr)
        module = run_passes(load_model("small_cnn", a), *CG)
        check_schedule(module, a)
        layers = build_graph(module, a)
        curves = time_curves(layers, a, a.num_cores)
        totals[pr] = sum(float(c[0]) for c in curves)
        run_passes(module, "convert-cim-to-mop")
        check_flow(module, a)
    # one row at a time: every MVM takes (rows of its tallest tile) steps
    assert totals[1] > 10 * totals[64]


def test_bandwidth_bound_copies_are_trimmed() -> None:
    """With a narrow L0 no solver leaves a copy that does not lower a layer's time."""
    arch = arch_from_dict({"name": "narrow-l0", "computing_mode": "CM",
                           "chip": {"core_number": [16, 16], "l0_bw": 8},
                           "core": {"xb_number": [1, 1]},
                           "crossbar": {"xb_size": [128, 128], "parallel_row": 128}})
    for solver in ("dp", "cpsat", "greedy"):
        module = run_passes(load_model("small_cnn", arch), "onnx-canonicalize",
                            "convert-onnx-to-cim-core", "cg-segment", "cg-dup",
                            **{"cg-dup": {"solver": solver}})
        layers = build_graph(module, arch)
        curves = time_curves(layers, arch, arch.num_cores)
        for layer, curve in zip(layers, curves):
            d = layer.op.sched.dup.data
            if d > 1:
                assert curve[d - 1] < curve[d - 2], (solver, layer.name, d, curve[:d])


def test_split_parts_tile_the_matrix() -> None:
    """mlp on paper-example (4 crossbars of 32x128, 2-bit cells): fc1 (784 x 256) and
    fc2 (256 x 128) are split; the parts' ranges tile K x N exactly and fit the chip."""
    arch = load_arch("paper-example").with_mode(ComputingMode.CM)
    module = run_passes(load_model("mlp", arch), "onnx-canonicalize",
                        "convert-onnx-to-cim-core", "cg-segment")
    parts: dict[str, list[tuple[tuple[int, int], tuple[int, int]]]] = defaultdict(list)
    for op in module.walk():
        if isinstance(op, CimCoreOp) and "/part" in op.layer_name:
            k = op.input.type.get_shape()[-1]
            w = op.weights.type.get_shape()
            n = w[0] if op.transposed else w[1]
            parts[op.layer_name.split("/")[0]].append((op.range_of("in", k),
                                                        op.range_of("out", n)))
            assert op.footprint.cores.data <= arch.num_cores
    assert len(parts["fc1"]) == 56 and len(parts["fc2.matmul"]) == 8
    for name, (k, n) in {"fc1": (784, 256), "fc2.matmul": (256, 128)}.items():
        area = sum((i1 - i0) * (o1 - o0) for (i0, i1), (o0, o1) in parts[name])
        assert area == k * n
        cells = {(i, o) for (i0, i1), (o0, o1) in parts[name] for i in (i0, i1 - 1)
                 for o in (o0, o1 - 1)}
        assert len(cells) == 4 * len(parts[name])  # corners distinct: no overlap
    run_passes(module, "cg-dup", "cg-pipeline", "convert-cim-to-mop")
    check_flow(module, arch)


def test_depthwise_and_grouped_convs_keep_their_groups() -> None:
    arch = load_arch("jia-isscc21")
    module = run_passes(load_model("small_cnn", arch), *CG)
    (dw,) = [op for op in module.walk() if isinstance(op, ConvOp) and op.layer_name == "dw.conv"]
    assert dw.matrix.groups.data == 16 and dw.matrix.rows.data == 9 and dw.matrix.cols.data == 1
    assert dw.footprint.cores.data == 1  # 16 groups of 9 x 1 packed in one 1152 x 256 array


# --------------------------------------------------------------------------------------
# The driver


def cim_opt(capsys, *args: str) -> tuple[int, str, str]:
    rc = run(list(args))
    out = capsys.readouterr()
    return rc, out.out, out.err


TINY_CHAIN = """builtin.module attributes {cim.arch = #cim.arch<{name = t4, computing_mode = CM, \
chip = {core_number = [4, 1]}, core = {xb_number = [1, 1]}, crossbar = {xb_size = [32, 32], \
parallel_row = 32, precision = 8}}>} {
  func.func @main(%x: tensor<1x3x8x8xf32>) -> tensor<1x3x8x8xf32> {
    %none = "onnx.NoValue"() : () -> none
    %w = "onnx.Constant"() <{name = "w", value = #cim.splat<0.5 : tensor<3x3x3x3xf32>>}> : \
() -> tensor<3x3x3x3xf32>
""" + "".join(
    f'    %c{i} = "onnx.Conv"({"%x" if i == 0 else f"%c{i - 1}"}, %w, %none) <{{name = "c{i}", '
    'group = 1 : i64, kernel_shape = array<i64: 3, 3>, strides = array<i64: 1, 1>, '
    'pads = array<i64: 1, 1, 1, 1>, dilations = array<i64: 1, 1>}> : (tensor<1x3x8x8xf32>, '
    'tensor<3x3x3x3xf32>, none) -> tensor<1x3x8x8xf32>\n' for i in range(5)) + """\
    func.return %c4 : tensor<1x3x8x8xf32>
  }
}
"""


@pytest.fixture
def chain_file(tmp_path: Path) -> str:
    path = tmp_path / "chain.mlir"
    path.write_text(TINY_CHAIN)
    return str(path)


def test_mode_errors(capsys) -> None:
    conv_relu = str(EXAMPLES / "conv_relu.onnx")
    rc, out, err = cim_opt(capsys, conv_relu, "--arch", "jia-isscc21",
                           "--computing-mode", "WLM", "--cim-mlc")
    assert rc == 1 and out == ""
    assert "computing mode WLM is finer than the finest interface arch 'jia-isscc21' " \
           "exposes (CM); allowed: CM" in err
    assert "Traceback" not in err
    rc, _, err = cim_opt(capsys, conv_relu, "--arch", "jia-isscc21", "--computing-mode", "XBM")
    assert rc == 1 and "allowed: CM" in err
    # an MVM-grained pass on a chip driven in CM names the pass and the mode
    if "mvm-dup" in available_passes():
        rc, _, err = cim_opt(capsys, conv_relu, "--arch", "paper-example",
                             "--computing-mode", "CM", "-p",
                             "onnx-canonicalize,convert-onnx-to-cim-core,mvm-dup")
        assert rc == 1
        assert "pass 'mvm-dup' needs the XBM computing mode or finer" in err
        assert "driven in CM" in err


def test_cm_passes_run_on_a_wlm_arch_driven_in_cm(capsys) -> None:
    rc, out, _ = cim_opt(capsys, str(EXAMPLES / "conv_relu.onnx"), "--arch", "isaac-baseline",
                         "--computing-mode", "CM", "--cim-mlc", "-t", "mop")
    assert rc == 0 and "in CM (1 segments" in out


def test_option_flag_syntax_equals_pipeline_syntax(capsys, chain_file: str) -> None:
    base = [chain_file, "--convert-onnx-to-cim-core", "--cg-segment"]
    rc1, a, _ = cim_opt(capsys, *base, "--cg-dup=solver=cpsat")
    rc2, b, _ = cim_opt(capsys, chain_file, "-p",
                        "convert-onnx-to-cim-core,cg-segment,cg-dup{solver=cpsat}")
    rc3, c, _ = cim_opt(capsys, *base, "--cg-dup=solver=cpsat,balance=false")
    rc4, d, _ = cim_opt(capsys, chain_file, "-p",
                        "convert-onnx-to-cim-core,cg-segment,cg-dup{solver=cpsat balance=false}")
    rc5, e, _ = cim_opt(capsys, *base, "--cg-dup={solver=cpsat}")
    assert rc1 == rc2 == rc3 == rc4 == rc5 == 0
    assert a == b == e and "cim.core.schedule<segment = 1" in a
    assert c == d


def test_pass_flag_order_is_preserved(capsys, chain_file: str) -> None:
    # five 1-core convs do not fit 4 cores: cg-dup before cg-segment must fail ...
    rc, out, err = cim_opt(capsys, chain_file, "--convert-onnx-to-cim-core", "--cg-dup",
                           "--cg-segment")
    assert rc == 1 and out == ""
    assert "segment 0: one copy of each of its 5 layers needs 5 cores, the chip has 4" in err
    # ... and succeed the other way round
    rc, out, _ = cim_opt(capsys, chain_file, "--convert-onnx-to-cim-core", "--cg-segment",
                         "--cg-dup")
    assert rc == 0 and "cores = [0, 1" in out
    # -p specs and flags interleave in command-line order
    rc, out2, _ = cim_opt(capsys, chain_file, "--convert-onnx-to-cim-core", "-p", "cg-segment",
                          "--cg-dup")
    assert rc == 0 and out2 == out


def test_unknown_pass_option_is_a_clean_error(capsys, chain_file: str) -> None:
    rc, out, err = cim_opt(capsys, chain_file, "-p", "cg-dup{solver=simplex}")
    assert rc == 1 and "unknown solver 'simplex'" in err and "Traceback" not in err


@pytest.mark.parametrize("spec", ["cg-dup{solver=cpsat,balance=false}", "cg-dup{solver=cpsat"])
def test_malformed_pipeline_is_a_clean_error(spec: str) -> None:
    proc = subprocess.run([sys.executable, "-m", "cim_mlir.tools.cim_opt",
                           str(EXAMPLES / "conv_relu.onnx"), "-p", spec],
                          capture_output=True, text=True, cwd=REPO)
    assert proc.returncode == 1
    assert "Traceback" not in proc.stderr
    assert proc.stderr.startswith("cim-opt: error:")


def _time_cim_opt(args: list[str]) -> tuple[float, subprocess.CompletedProcess]:
    start = time.perf_counter()
    proc = subprocess.run([sys.executable, "-m", "cim_mlir.tools.cim_opt", *args],
                          capture_output=True, text=True, cwd=REPO)
    return time.perf_counter() - start, proc


@pytest.mark.slow
def test_resnet50_cm_flow_in_under_10_seconds() -> None:
    path = str(model_zoo.zoo_path("resnet50", "light"))
    elapsed, proc = _time_cim_opt([path, "--arch", "isaac-baseline", "--computing-mode", "CM",
                                   "--cim-mlc", "-t", "mop"])
    assert proc.returncode == 0, proc.stderr
    assert "in CM (" in proc.stdout
    print(f"\nresnet50 on isaac-baseline in CM: {elapsed:.2f} s, "
          f"{len(proc.stdout.splitlines())} lines of -t mop")
    assert elapsed < 10.0


def test_resnet18_cm_flow_is_compact() -> None:
    arch = load_arch("isaac-baseline").with_mode(ComputingMode.CM)
    module = run_passes(load_model("resnet18", arch), "cim-mlc")
    flow = check_flow(module, arch)
    ops = sum(1 for _ in flow.walk())
    reads = sum(1 for op in flow.walk() if isinstance(op, ReadCoreOp))
    # one read_core per copy, everything else one op per layer
    layers = len(flow.schedule.as_dict())
    assert reads == sum(e["dup"] for e in flow.schedule.as_dict().values())
    assert ops < 3 * reads + 20 * layers, (ops, reads, layers)


# --------------------------------------------------------------------------------------
# Numerics: the CM lowering of the edge cases computes what onnxruntime computes
# (row partitions with halos and recomputed pads, split parts summed and
# concatenated, grouped weights, fused biases), on the interpreter in exact mode.


def _cm_arch(cores: int = 4, rows: int = 32, parallel_row: int | None = None):
    """N cores of one rows x 32 crossbar of 8-bit cells, everything else ideal."""
    return arch_from_dict({"name": "t", "computing_mode": "CM",
                           "chip": {"core_number": [cores, 1]}, "core": {"xb_number": [1, 1]},
                           "crossbar": {"xb_size": [rows, 32],
                                        "parallel_row": parallel_row or rows, "precision": 8}})


_Graph = Graph


def _conv7x7_stride2_non_square(g: _Graph):
    return g.conv(g.input("x", [1, 3, 15, 9]), 3, 4, 7, stride=2), _cm_arch()


def _depthwise_then_grouped(g: _Graph):
    x = g.conv(g.input("x", [1, 8, 9, 7]), 8, 8, 3, group=8)
    return g.conv(x, 8, 8, 3, group=2), _cm_arch(cores=8)


def _conv_split_over_input_channels(g: _Graph):
    return g.conv(g.input("x", [1, 16, 8, 8]), 16, 4, 3), _cm_arch()


def _conv_split_over_output_channels_on_one_core(g: _Graph):
    return g.conv(g.input("x", [1, 3, 6, 6]), 3, 40, 3), _cm_arch(cores=1)


def _conv_split_both_ways(g: _Graph):
    return g.conv(g.input("x", [1, 16, 6, 6]), 16, 40, 3), _cm_arch()


def _gemm_trans_b_split(g: _Graph):
    x = g.input("x", [3, 160])
    return g.node("Gemm", [x, g.weight([40, 160]), g.weight([40])], transB=1, alpha=0.5,
                  beta=2.0), _cm_arch()


def _matmul_3d_with_bias(g: _Graph):
    x = g.input("x", [2, 5, 16])
    return g.node("Add", [g.node("MatMul", [x, g.weight([16, 6])]), g.weight([6])]), _cm_arch()


def _dilated_conv_copies(g: _Graph):
    return g.conv(g.input("x", [1, 3, 11, 8]), 3, 4, 3, dilation=2), _cm_arch()


def _asymmetric_pads_copies(g: _Graph):
    return g.conv(g.input("x", [1, 3, 10, 6]), 3, 4, 3, pads=[0, 1, 2, 1]), _cm_arch()


def _strided_conv_three_copies(g: _Graph):
    return g.conv(g.input("x", [1, 3, 7, 7]), 3, 4, 3, stride=2), _cm_arch(cores=3)


def _pointwise_many_copies(g: _Graph):
    return g.conv(g.input("x", [1, 3, 5, 7]), 3, 4, 1, pads=[0, 0, 0, 0]), _cm_arch(cores=16)


def _block(g: _Graph) -> str:
    a = g.conv(g.input("x", [1, 3, 9, 9]), 3, 4, 3)
    r = g.node("Relu", [a])
    s = g.node("Add", [g.conv(r, 4, 4, 3), r])
    p = g.node("MaxPool", [s], kernel_shape=[3, 3], strides=[2, 2], pads=[1, 1, 1, 1])
    return g.node("Concat", [g.conv(p, 4, 2, 1, pads=[0, 0, 0, 0]), g.conv(p, 4, 3, 3)], axis=1)


def _residual_pool_concat(g: _Graph):
    return _block(g), _cm_arch()


def _residual_pool_concat_one_core(g: _Graph):
    return _block(g), _cm_arch(cores=1, rows=64)


def _residual_pool_concat_parallel_row_one(g: _Graph):
    return _block(g), _cm_arch(rows=64, parallel_row=1)


NUMERIC_CASES = [
    _conv7x7_stride2_non_square, _depthwise_then_grouped, _conv_split_over_input_channels,
    _conv_split_over_output_channels_on_one_core, _conv_split_both_ways, _gemm_trans_b_split,
    _matmul_3d_with_bias, _dilated_conv_copies, _asymmetric_pads_copies,
    _strided_conv_three_copies, _pointwise_many_copies, _residual_pool_concat,
    _residual_pool_concat_one_core, _residual_pool_concat_parallel_row_one,
]


def _compile_and_compare(build, tmp_path: Path) -> float:
    from cim_mlir.interpreter import relative_error, run_flow

    g = _Graph()
    out, arch = build(g)
    path, feeds, ref = g.save_with_reference(out, tmp_path / "model.onnx")
    module = import_onnx(path)
    set_arch(module, arch)
    run_passes(module, "cim-mlc")
    check_flow(module, arch)
    (y,) = run_flow(module, feeds).outputs
    assert y.shape == ref.shape
    return relative_error(y, ref)


@pytest.mark.parametrize("build", NUMERIC_CASES, ids=lambda f: f.__name__.strip("_"))
def test_cm_edge_cases_match_onnxruntime(build, tmp_path: Path) -> None:
    assert _compile_and_compare(build, tmp_path) <= 1e-4


def _gemm_with_activation_bias(g: _Graph):
    x, c = g.input("x", [2, 16]), g.input("c", [6])
    return g.node("Gemm", [x, g.weight([16, 6]), c]), _cm_arch()


def _gemm_with_full_bias(g: _Graph):
    x = g.input("x", [2, 16])
    return g.node("Gemm", [x, g.weight([16, 6]), g.weight([2, 6])]), _cm_arch()


def test_gemm_with_activation_bias(tmp_path: Path) -> None:
    assert _compile_and_compare(_gemm_with_activation_bias, tmp_path) <= 1e-4


def test_gemm_with_full_bias(tmp_path: Path) -> None:
    assert _compile_and_compare(_gemm_with_full_bias, tmp_path) <= 1e-4


@pytest.mark.parametrize("model, arch_name", [("small_cnn", "jia-isscc21"),
                                              ("small_cnn", "isaac-baseline"),
                                              ("mlp", "paper-example"), ("mlp", "jia-isscc21")])
def test_cg_passes_are_idempotent(model: str, arch_name: str) -> None:
    arch = load_arch(arch_name).with_mode(ComputingMode.CM)
    once = run_passes(load_model(model, arch), *CG)
    text = str(once)
    assert str(run_passes(once, "cg-segment", "cg-dup", "cg-pipeline")) == text
