"""Hand-written cim.mop flows: per-op semantics, errors, accumulation, loops and batching.

The flows are written by hand in the generic syntax the printer produces, for
the paper-example chip (2 cores x 2 crossbars of 32x128 2-bit cells, 16
parallel rows), so each test pins one rule of docs/interpreter.md.
"""

from __future__ import annotations

import io
import json

import numpy as np
import pytest
from xdsl.parser import Parser
from xdsl.printer import Printer

from cim_mlir.arch import load_arch
from cim_mlir.context import make_context
from cim_mlir.diagnostics import CimError
from cim_mlir.dialects.cim import ArchAttr
from cim_mlir.interpreter import run_flow
from cim_mlir.kernels import evaluate
from cim_mlir.layout import to_physical

# ---- a tiny flow writer ---------------------------------------------------------------


def arch_text(name: str = "paper-example") -> str:
    f = io.StringIO()
    Printer(stream=f).print_attribute(ArchAttr(load_arch(name)))
    return f.getvalue()


def buf(name: str, addr: int, shape: list[int], layout: str = "rowmajor") -> str:
    return (f"#cim.mop.buffer<tensor = {name}, addr = {addr}, shape = {json.dumps(shape)}, "
            f"layout = {layout}>")


def addr(text: str) -> str:
    return f"#cim.mop.addr<{text}>"


def i(n: int) -> str:
    return f"#builtin.int<{n}>"


def dense(a: np.ndarray) -> str:
    a = np.asarray(a, np.float32)
    shape = "x".join(map(str, a.shape))
    return f"dense<{json.dumps(a.tolist())}> : tensor<{shape}xf32>"


def matrix(layer: str, kind: str, k: int, n: int, *, groups: int = 1, block=None,
           in_range=None, out_range=None) -> str:
    block = block or [0, groups, 0, k, 0, n]
    ir = in_range or [0, k]
    orr = out_range or [0, n]
    return (f"#cim.mop.matrix<layer = {layer}, kind = {kind}, groups = {groups}, "
            f"in_range = {json.dumps(ir)}, out_range = {json.dumps(orr)}, "
            f"block = {json.dumps(block)}>")


def op(name: str, props: dict[str, str], regions: list[list[str]] | None = None) -> str:
    body = ", ".join(f"{k} = {v}" for k, v in props.items())
    text = f'"cim.mop.{name}"() <{{{body}}}>'
    if regions is not None:
        text += " (" + ", ".join("{\n^bb0:\n" + "\n".join(r) + "\n}" for r in regions) + ")"
    return text + " : () -> ()"


def mov(src: str, dst: str, n: int, sizes=None, ss=None, ds=None) -> str:
    props = {"src": addr(src), "dst": addr(dst), "len": i(n)}
    if sizes is not None:
        props.update(sizes="[" + ", ".join(i(s) for s in sizes) + "]",
                     src_strides="[" + ", ".join(i(s) for s in ss) + "]",
                     dst_strides="[" + ", ".join(i(s) for s in ds) + "]")
    return op("mov", props)


def loop(count: int, body: list[str]) -> str:
    return op("loop", {"count": i(count)}, [body])


def parallel(body: list[str]) -> str:
    return '"cim.mop.parallel"() ({\n^bb0:\n' + "\n".join(body) + "\n}) : () -> ()"


def write_xb(xb: int, length: int, weights: np.ndarray, mat: str) -> str:
    return op("write_xb", {"xb": i(xb), "len": i(length), "weights": dense(weights),
                           "matrix": mat})


def read_xb(xb: int, src: str, dst: str, *, length: int = 1, acc: bool = False,
            shift: int = 0) -> str:
    props = {"xb": i(xb), "len": i(length), "src": addr(src), "dst": addr(dst)}
    if acc:
        props["acc"] = "unit"
    if shift:
        props["shift"] = i(shift)
    return op("read_xb", props)


def relu(src: str, dst: str, n: int) -> str:
    return op("dcom", {"kind": '"Relu"', "srcs": f"[{addr(src)}]", "dsts": f"[{addr(dst)}]",
                       "params": f"#cim.mop.params<{{in_shapes = [[{n}]], out_shapes = [[{n}]]}}>"})


def flow(init: list[str], compute: list[str], inputs: list[str], outputs: list[str], l0: int,
         mode: str = "XBM", arch: str = "paper-example", segments: list | None = None):
    segs = segments or [(init, compute)]
    seg_text = "\n".join(op("segment", {"index": i(k)}, [a, b]) for k, (a, b) in enumerate(segs))
    text = (f"builtin.module attributes {{cim.arch = {arch_text(arch)}}} {{\n"
            + op("flow", {"sym_name": '"main"', "mode": f'"{mode}"',
                          "inputs": "[" + ", ".join(inputs) + "]",
                          "outputs": "[" + ", ".join(outputs) + "]",
                          "l0_used": i(l0)}, [[seg_text]]) + "\n}")
    module = Parser(make_context(), text).parse_module()
    module.verify()
    return module


def run(module, *inputs, **kw):
    return run_flow(module, [np.asarray(x, np.float64) for x in inputs], **kw)


def both(module, *inputs, **kw):
    """Outputs with batching and without: equal up to float summation order (BLAS
    multiplies one vector and a batch differently); bit-identical in int numerics."""
    if kw.get("numerics", "exact") != "exact":
        kw.setdefault("ranges", run(module, *inputs).ranges)
    a = run(module, *inputs, **kw)
    b = run(module, *inputs, batching=False, **kw)
    for x, y in zip(a.outputs, b.outputs):
        if kw.get("numerics", "exact") == "exact":
            np.testing.assert_allclose(x, y, rtol=1e-12, atol=1e-12)
        else:
            np.testing.assert_array_equal(x, y)
    return a, b


RNG = np.random.default_rng(7)


# ---- DMOV ------------------------------------------------------------------------------


def test_mov_overlapping_is_memmove() -> None:
    x = np.arange(16.0)
    forward = flow([], [mov("L0[0]", "L0[4]", 8), mov("L0[0]", "L0[16]", 16)],
                   [buf("x", 0, [16])], [buf("y", 16, [16])], 32, mode="CM")
    want = x.copy()
    want[4:12] = x[0:8]
    np.testing.assert_array_equal(run(forward, x).outputs[0], want)
    backward = flow([], [mov("L0[4]", "L0[0]", 8), mov("L0[0]", "L0[16]", 16)],
                    [buf("x", 0, [16])], [buf("y", 16, [16])], 32, mode="CM")
    want = x.copy()
    want[0:8] = x[4:12]
    np.testing.assert_array_equal(run(backward, x).outputs[0], want)


def test_mov_strided_transpose() -> None:
    x = RNG.standard_normal((4, 4))
    m = flow([], [mov("L0[0]", "L0[16]", 16, [4, 4], [1, 4], [4, 1])],
             [buf("x", 0, [4, 4])], [buf("y", 16, [4, 4])], 32, mode="CM")
    np.testing.assert_array_equal(run(m, x).outputs[0], x.T)


def test_mov_between_spaces() -> None:
    x = RNG.standard_normal(8)
    m = flow([], [mov("L0[0]", "L1.1[100]", 8), mov("L1.1[100]", "L1.0[3]", 8),
                  mov("L1.0[3]", "L0[8]", 8)],
             [buf("x", 0, [8])], [buf("y", 8, [8])], 16, mode="CM")
    np.testing.assert_array_equal(run(m, x).outputs[0], x)


def test_mov_overlapping_destination_is_an_error() -> None:
    m = flow([], [mov("L0[0]", "L0[16]", 4, [2, 2], [2, 1], [0, 1])],
             [buf("x", 0, [16])], [buf("y", 16, [16])], 32, mode="CM")
    with pytest.raises(CimError, match="destination elements overlap"):
        run(m, np.zeros(16))


# ---- errors ----------------------------------------------------------------------------


def test_out_of_range_names_op_and_address() -> None:
    m = flow([], [mov("L0[0]", "L0[30]", 8)], [buf("x", 0, [16])], [buf("y", 16, [16])], 32,
             mode="CM")
    with pytest.raises(CimError) as e:
        run(m, np.zeros(16))
    text = str(e.value)
    assert "'cim.mop.mov'" in text and "L0[30..38)" in text and "out of range" in text
    assert "segment 0" in text


def test_bounded_l1_is_enforced() -> None:
    # puma: L1 is 1 KB = 1024 8-bit elements
    m = flow([], [mov("L0[0]", "L1.0[1020]", 8)], [buf("x", 0, [8])], [buf("y", 0, [8])], 8,
             mode="CM", arch="puma")
    with pytest.raises(CimError, match=r"L1\.0\[1020\.\.1028\) is out of range.*1024"):
        run(m, np.zeros(8))


def test_read_of_never_written_space() -> None:
    m = flow([], [mov("L0[16]", "L0[0]", 4)], [buf("x", 0, [8])], [buf("y", 0, [8])], 32,
             mode="CM")
    with pytest.raises(CimError, match=r"'cim.mop.mov'.*reads L0\[16\], which was never written"):
        run(m, np.zeros(8))
    unwritten_output = flow([], [], [buf("x", 0, [8])], [buf("y", 8, [8])], 16, mode="CM")
    with pytest.raises(CimError, match=r"L0\[8\], which was never written"):
        run(unwritten_output, np.zeros(8))
    l1 = flow([], [mov("L1.0[0]", "L0[0]", 4)], [buf("x", 0, [8])], [buf("y", 0, [8])], 8,
              mode="CM")
    with pytest.raises(CimError, match=r"L1\.0\[0\], which was never written"):
        run(l1, np.zeros(8))


def test_unprogrammed_hardware() -> None:
    w = RNG.standard_normal((4, 3))
    xb = flow([write_xb(0, 1, w, matrix("fc", "matmul", 4, 3))],
              [read_xb(3, "L0[0]", "L0[4]")], [buf("x", 0, [4])], [buf("y", 4, [3])], 8)
    with pytest.raises(CimError, match=r"'cim.mop.read_xb'.*crossbar 3 was never written"):
        run(xb, np.zeros(4))
    core = flow([], [op("read_core", {
        "kind": '"matmul"', "core": i(1), "src": addr("L0[0]"), "dst": addr("L0[4]"),
        "params": "#cim.mop.params<{in_shape = [1, 4], out_shape = [1, 3]}>"})],
        [buf("x", 0, [4])], [buf("y", 4, [3])], 8, mode="CM")
    with pytest.raises(CimError, match=r"'cim.mop.read_core'.*core 1 was never programmed"):
        run(core, np.zeros(4))
    rows = flow([], [op("read_row", {"xb": i(2), "row": i(0), "len": i(4), "src": addr("L0[0]"),
                                     "dst": addr("L0[4]")})],
                [buf("x", 0, [4])], [buf("y", 4, [3])], 8, mode="WLM")
    with pytest.raises(CimError, match=r"'cim.mop.read_row'.*crossbar 2 was never written"):
        run(rows, np.zeros(4))


# ---- CIM reads: accumulation -------------------------------------------------------------


def test_parallel_reads_accumulate_and_overwrite() -> None:
    w1, w2 = RNG.standard_normal((4, 3)), RNG.standard_normal((4, 3))
    x = RNG.standard_normal(8)
    init = [write_xb(0, 1, w1, matrix("a", "matmul", 4, 3)),
            write_xb(1, 1, w2, matrix("b", "matmul", 4, 3))]
    w1, w2 = w1.astype(np.float32), w2.astype(np.float32)

    def out(reads):
        m = flow(init, [parallel(reads)], [buf("x", 0, [8])], [buf("y", 8, [3])], 16)
        return run(m, x).outputs[0]

    acc = out([read_xb(0, "L0[0]", "L0[8]"), read_xb(1, "L0[4]", "L0[8]", acc=True)])
    np.testing.assert_allclose(acc, x[:4] @ w1 + x[4:] @ w2, rtol=1e-12)
    over = out([read_xb(0, "L0[0]", "L0[8]"), read_xb(1, "L0[4]", "L0[8]")])
    np.testing.assert_allclose(over, x[4:] @ w2, rtol=1e-12)
    shifted = out([read_xb(0, "L0[0]", "L0[8]"), read_xb(1, "L0[4]", "L0[8]", acc=True,
                                                         shift=2)])
    np.testing.assert_allclose(shifted, x[:4] @ w1 + 4 * (x[4:] @ w2), rtol=1e-12)
    with pytest.raises(CimError, match=r"accumulates into L0\[8\], which was never written"):
        out([read_xb(1, "L0[4]", "L0[8]", acc=True)])


def test_vxb_spanning_crossbars_with_row_tiles() -> None:
    # 40 x 3 does not fit 32 rows: a VXB of 2 crossbars, row-tile partial sums inside it
    w = RNG.standard_normal((40, 3))
    x = RNG.standard_normal(40)
    m = flow([write_xb(1, 2, w, matrix("fc", "matmul", 40, 3))],
             [read_xb(1, "L0[0]", "L0[40]", length=2)],
             [buf("x", 0, [40])], [buf("y", 40, [3])], 48)
    np.testing.assert_allclose(run(m, x).outputs[0], x @ w.astype(np.float32), rtol=1e-12)
    short = flow([write_xb(1, 1, w, matrix("fc", "matmul", 40, 3))], [],
                 [buf("x", 0, [40])], [buf("y", 0, [3])], 48)
    with pytest.raises(CimError, match="needs 2 crossbars"):
        run(short, x)
    wrong = flow([write_xb(0, 2, w, matrix("fc", "matmul", 40, 3))],
                 [read_xb(0, "L0[0]", "L0[40]", length=1)],
                 [buf("x", 0, [40])], [buf("y", 40, [3])], 48)
    with pytest.raises(CimError, match=r"do not match the VXB \[0, 2\)"):
        run(wrong, x)


# ---- loops ---------------------------------------------------------------------------------


def test_nested_loops_with_affine_addresses() -> None:
    x = RNG.standard_normal((4, 3))
    body = [mov("L0[3*i0 + i1]", "L0[12 + i0 + 4*i1]", 1)]
    m = flow([], [loop(4, [loop(3, body)])], [buf("x", 0, [4, 3])], [buf("y", 12, [3, 4])], 24,
             mode="CM")
    a, b = both(m, x)
    np.testing.assert_array_equal(a.outputs[0], x.T)
    assert a.stats.batched_loops == 1  # the perfect nest is one batch of 12
    assert b.stats.sequential_loops == 5  # the outer loop and 4 runs of the inner one
    assert a.stats.ops["cim.mop.mov"] == 12


def test_loop_through_l1_temporaries_is_batched() -> None:
    x = RNG.standard_normal(32)
    body = [mov("L0[8*i0]", "L1.0[0]", 8), mov("L1.0[0]", "L1.1[4]", 8),
            mov("L1.1[4]", "L0[32 + 8*i0]", 8)]
    m = flow([], [loop(4, body), mov("L1.1[4]", "L0[64]", 8)],
             [buf("x", 0, [32])], [buf("y", 32, [40])], 72, mode="CM")
    a, _ = both(m, x)
    # the temporaries hold the last iteration's values after the loop
    np.testing.assert_array_equal(a.outputs[0], np.concatenate([x, x[24:]]))
    assert a.stats.batched_loops == 1


def test_loop_carried_dependences_run_sequentially() -> None:
    x = RNG.standard_normal(8)
    chain = flow([], [loop(7, [mov("L0[i0]", "L0[1 + i0]", 1)])],
                 [buf("x", 0, [8])], [buf("y", 0, [8])], 8, mode="CM")
    a, b = both(chain, x)
    np.testing.assert_array_equal(a.outputs[0], np.full(8, x[0]))
    assert a.stats.sequential_loops == 1 and a.stats.fallback_reasons
    # accumulation across iterations through a fixed L1 slot: read before written
    w = RNG.standard_normal((4, 3))
    xs = RNG.standard_normal(16)
    body = [read_xb(0, "L0[4*i0]", "L1.0[0]", acc=True)]
    m = flow([write_xb(0, 1, w, matrix("fc", "matmul", 4, 3))],
             [mov("L0[16]", "L1.0[0]", 3), loop(4, body), mov("L1.0[0]", "L0[16]", 3)],
             [buf("x", 0, [16]), buf("zero", 16, [3])], [buf("y", 16, [3])], 19)
    a = run(m, xs, np.zeros(3))
    b = run(m, xs, np.zeros(3), batching=False)
    np.testing.assert_array_equal(a.outputs[0], b.outputs[0])
    np.testing.assert_allclose(a.outputs[0], xs.reshape(4, 4).sum(0) @ w.astype(np.float32),
                               rtol=1e-12)
    assert a.stats.sequential_loops == 1


def _conv_ref(x: np.ndarray, w: np.ndarray, b: np.ndarray | None, pads, strides=(1, 1),
              group: int = 1) -> np.ndarray:
    inputs = [x.astype(np.float32), w.astype(np.float32)]
    if b is not None:
        inputs.append(b.astype(np.float32))
    (y,) = evaluate("Conv", inputs, {"pads": pads, "strides": list(strides), "group": group,
                                     "kernel_shape": list(w.shape[2:])})
    return np.asarray(y, np.float64)


def xbm_conv_flow(x_shape, w, b, copies: int = 4):
    """Fig. 16(d) for a small conv: im2col per core, parallel read_xb, mov, fused Relu."""
    _, c, h, wd = x_shape
    cout = w.shape[0]
    k = 9 * c
    oh = h  # 3x3, pad 1, stride 1
    windows = oh * wd
    assert windows % copies == 0
    y0 = h * wd * c
    out = y0 + windows * cout
    per_core = copies // 2
    params = (f"#cim.mop.params<{{in_shape = [{h}, {wd}, {c}], kernel_shape = [3, 3], strides = "
              f"[1, 1], pads = [1, 1, 1, 1], dilations = [1, 1], channels = [0, {c}]}}>")
    props = {"weights": dense(w), "matrix": matrix("conv", "conv", k, cout,
                                                   in_range=[0, c], out_range=[0, cout])}
    if b is not None:
        props["bias"] = dense(b)
    init = [op("write_xb", {"xb": i(j), "len": i(1), **props}) for j in range(copies)]
    body = []
    for core in range(2):
        body.append(op("im2col", {"src": addr("L0[0]"), "dst": addr(f"L1.{core}[0]"),
                                  "params": params,
                                  "first": f"#cim.mop.index<{core * per_core} + {copies}*i0>",
                                  "count": i(per_core)}))
    reads = []
    for j in range(copies):
        core, pos = divmod(j, per_core)
        reads.append(read_xb(j, f"L1.{core}[{pos * k}]",
                             f"L1.{core}[{per_core * k + pos * cout}]"))
    body.append(parallel(reads))
    for core in range(2):
        body.append(mov(f"L1.{core}[{per_core * k}]",
                        f"L0[{y0 + core * per_core * cout} + {copies * cout}*i0]",
                        per_core * cout))
    n = copies * cout
    body.append(relu(f"L0[{y0} + {n}*i0]", f"L0[{out} + {n}*i0]", n))
    return flow(init, [loop(windows // copies, body)],
                [buf("x", 0, list(x_shape), "nhwc")],
                [buf("y", out, [1, cout, oh, wd], "nhwc")], out + windows * cout)


def test_xbm_conv_loop_batched_equals_sequential_and_numpy() -> None:
    x = RNG.standard_normal((1, 2, 4, 4))
    w = RNG.standard_normal((4, 2, 3, 3))
    b = RNG.standard_normal(4)
    m = xbm_conv_flow(x.shape, w, b)
    a, s = both(m, x)
    want = np.maximum(_conv_ref(x, w, b, [1, 1, 1, 1]), 0)
    np.testing.assert_allclose(a.outputs[0], want, rtol=1e-5, atol=1e-6)
    assert a.stats.batched_loops == 1 and s.stats.sequential_loops == 1
    assert a.stats.ops["cim.mop.read_xb"] == 16
    both(m, x, numerics="int")  # integer arithmetic: bit-identical


def test_im2col_groups_are_group_major() -> None:
    h, w, c, groups = 3, 3, 4, 2
    x = RNG.standard_normal((1, c, h, w))
    params = (f"#cim.mop.params<{{in_shape = [{h}, {w}, {c}], kernel_shape = [2, 2], strides = "
              f"[1, 1], pads = [0, 0, 1, 1], dilations = [1, 1], channels = [0, {c}], "
              f"groups = {groups}}}>")
    count = 2 * 3
    row = 2 * 2 * c
    m = flow([], [op("im2col", {"src": addr("L0[0]"), "dst": addr("L0[40]"), "params": params,
                                "first": "#cim.mop.index<0>", "count": i(count)})],
             [buf("x", 0, [1, c, h, w], "nhwc")], [buf("y", 40, [count, row])], 40 + count * row,
             mode="CM")
    got = run(m, x).outputs[0]
    xp = np.pad(x[0].transpose(1, 2, 0), ((0, 1), (0, 1), (0, 0)))  # HWC, pad bottom/right
    want = []
    for oy in range(3):  # out 3 x 3 but we take the first 6 windows
        for ox in range(3):
            win = xp[oy:oy + 2, ox:ox + 2, :]  # (kh, kw, c)
            per = [win[:, :, g * 2:(g + 1) * 2].reshape(-1) for g in range(groups)]
            want.append(np.concatenate(per))
    np.testing.assert_array_equal(got, np.array(want[:count]))


def test_dcom_converts_layouts() -> None:
    x = RNG.standard_normal((1, 2, 4, 4))
    props = {"kind": '"MaxPool"', "srcs": f"[{addr('L0[0]')}]", "dsts": f"[{addr('L0[32]')}]",
             "params": "#cim.mop.params<{kernel_shape = [2, 2], strides = [2, 2], "
                       "in_shapes = [[1, 2, 4, 4]], out_shapes = [[1, 2, 2, 2]], "
                       "in_layouts = [nhwc], out_layouts = [nhwc]}>"}
    m = flow([], [op("dcom", props)], [buf("x", 0, [1, 2, 4, 4], "nhwc")],
             [buf("y", 32, [1, 2, 2, 2], "nhwc")], 40, mode="CM")
    (want,) = evaluate("MaxPool", [x], {"kernel_shape": [2, 2], "strides": [2, 2]})
    np.testing.assert_array_equal(run(m, x).outputs[0], want)
    # the buffer really is HWC
    r = run_flow(m, [x])
    assert r.outputs[0].shape == (1, 2, 2, 2)
    assert to_physical(want, "nhwc").shape == (8,)


# ---- WLM rows ------------------------------------------------------------------------------


def test_wlm_rows_remapped_as_in_fig16e() -> None:
    """'A' (rows 0-15) on crossbar 0 and 'B' (rows 16-26) on crossbar 1, read in parallel."""
    w = RNG.standard_normal((27, 8))
    x = RNG.standard_normal(27)
    init = [op("write_row", {"xb": i(0), "row": i(0), "len": i(16), "weights": dense(w),
                             "matrix": matrix("fc", "matmul", 27, 8, block=[0, 1, 0, 16, 0, 8])}),
            op("write_row", {"xb": i(1), "row": i(0), "len": i(11), "weights": dense(w),
                             "matrix": matrix("fc", "matmul", 27, 8,
                                              block=[0, 1, 16, 27, 0, 8])})]
    reads = [op("read_row", {"xb": i(0), "row": i(0), "len": i(16), "src": addr("L0[0]"),
                             "dst": addr("L0[27]")}),
             op("read_row", {"xb": i(1), "row": i(0), "len": i(11), "src": addr("L0[16]"),
                             "dst": addr("L0[27]"), "acc": "unit"})]
    m = flow(init, [parallel(reads)], [buf("x", 0, [27])], [buf("y", 27, [8])], 35, mode="WLM")
    np.testing.assert_allclose(run(m, x).outputs[0], x @ w.astype(np.float32), rtol=1e-12)


def test_wlm_naive_rows_in_two_steps_and_tiled_copy() -> None:
    w = RNG.standard_normal((27, 8))
    x = RNG.standard_normal(27)
    want = x @ w.astype(np.float32)
    # naive: all 27 rows on crossbar 0, two activation steps of <= 16 rows
    naive = flow([op("write_row", {"xb": i(0), "row": i(0), "len": i(27), "weights": dense(w),
                                   "matrix": matrix("fc", "matmul", 27, 8)})],
                 [op("read_row", {"xb": i(0), "row": i(0), "len": i(16), "src": addr("L0[0]"),
                                  "dst": addr("L0[27]")}),
                  op("read_row", {"xb": i(0), "row": i(16), "len": i(11), "src": addr("L0[16]"),
                                  "dst": addr("L0[27]"), "acc": "unit"})],
                 [buf("x", 0, [27])], [buf("y", 27, [8])], 35, mode="WLM")
    np.testing.assert_allclose(run(naive, x).outputs[0], want, rtol=1e-12)
    # tiled: the copy over crossbars 2-3 with tiles of 16 rows, one step activates both
    tiled = flow([op("write_row", {"xb": i(2), "row": i(0), "len": i(16), "count": i(2),
                                   "height": i(16), "weights": dense(w),
                                   "matrix": matrix("fc", "matmul", 27, 8)})],
                 [op("read_row", {"xb": i(2), "row": i(0), "len": i(16), "count": i(2),
                                  "height": i(16), "src": addr("L0[0]"), "dst": addr("L0[27]")})],
                 [buf("x", 0, [27])], [buf("y", 27, [8])], 35, mode="WLM")
    np.testing.assert_allclose(run(tiled, x).outputs[0], want, rtol=1e-12)


def test_progress_counts_every_meta_op() -> None:
    from cim_mlir.interpreter import find_flow
    from cim_mlir.interpreter.functions import op_weight

    x = RNG.standard_normal((1, 2, 4, 4))
    m = xbm_conv_flow(x.shape, RNG.standard_normal((4, 2, 3, 3)), None)
    total = op_weight(find_flow(m))
    for batching in (True, False):
        ticks: list[int] = []
        run(m, x, progress=ticks.append, batching=batching)
        assert sum(ticks) == total


def test_parallel_read_cores_fuse_only_when_independent() -> None:
    """Copies of one matrix in a parallel: one multiply when independent; in order when a
    read consumes another's output."""
    w = RNG.standard_normal((4, 4))
    x = RNG.standard_normal((2, 4))
    write = [op("write_core", {"core": i(k), "weights": dense(w),
                               "matrix": matrix("fc", "matmul", 4, 4)}) for k in range(2)]

    def read(core: int, src: str, dst: str) -> str:
        return op("read_core", {"kind": '"matmul"', "core": i(core), "src": addr(src),
                                "dst": addr(dst), "params": "#cim.mop.params<{in_shape = "
                                "[1, 4], out_shape = [1, 4], channels = [0, 4]}>"})

    w32 = w.astype(np.float32).astype(np.float64)
    independent = flow(write, [parallel([read(0, "L0[0]", "L0[8]"), read(1, "L0[4]", "L0[12]")])],
                       [buf("x", 0, [2, 4])], [buf("y", 8, [2, 4])], 16, mode="CM")
    np.testing.assert_allclose(run(independent, x).outputs[0], x @ w32, rtol=1e-12)
    chained = flow(write, [mov("L0[0]", "L0[8]", 4),
                           parallel([read(0, "L0[0]", "L0[8]"), read(1, "L0[8]", "L0[12]")])],
                   [buf("x", 0, [2, 4])], [buf("y", 8, [2, 4])], 16, mode="CM")
    got = run(chained, x).outputs[0]
    np.testing.assert_allclose(got[0], x[0] @ w32, rtol=1e-12)
    np.testing.assert_allclose(got[1], x[0] @ w32 @ w32, rtol=1e-12)
