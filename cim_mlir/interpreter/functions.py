"""xDSL interpreter functions for every ``cim.mop`` op.

:class:`MopFunctions` holds the :class:`~cim_mlir.interpreter.machine.Machine`
and the *iteration context*: the loop indices of the iterations being
executed, an ``(n, depth)`` array.  Outside loops ``n = 1``; a batched loop
runs its body once with ``n`` = its trip count, so every meta-op below is
written for a batch of iterations and is one vectorised numpy call either way
(design.md §4).  Semantics are documented in docs/interpreter.md.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.lib.stride_tricks import as_strided
from xdsl.dialects.builtin import UnitAttr
from xdsl.interpreter import Interpreter, InterpreterFunctions, PythonValues, impl, register_impls
from xdsl.ir import Block, Operation

from cim_mlir.cost.mapping import DEFAULT_BINDING, MappingError, WeightMatrix, vxb_tiles
from cim_mlir.diagnostics import CimError
from cim_mlir.dialects.mop import (
    CONST_ATTRS,
    AddrAttr,
    DcomOp,
    FlowOp,
    Im2colOp,
    IndexAttr,
    LoopOp,
    MovOp,
    ParallelOp,
    ReadCoreOp,
    ReadRowOp,
    ReadXbOp,
    SegmentOp,
    WriteCoreOp,
    WriteRowOp,
    WriteXbOp,
)
from cim_mlir.interpreter.batching import Access, Overlay, analyze
from cim_mlir.interpreter.machine import (
    AccessError,
    Machine,
    RowCopy,
    build_matrix,
    matrix_scales,
    parse_binding,
)
from cim_mlir.interpreter.numerics import IntNumerics
from cim_mlir.kernels import SUPPORTED, KernelError, evaluate
from cim_mlir.layout import from_physical, to_physical
from cim_mlir.weights import to_array

ELEMENTWISE = frozenset({
    "Relu", "LeakyRelu", "Sigmoid", "Tanh", "Clip", "Add", "Sub", "Mul", "Div", "Sum", "Max",
    "Min", "Mean", "Erf", "Gelu", "Sqrt", "Exp", "Log", "Neg", "Abs", "Identity", "Dropout",
    "Pow", "HardSigmoid", "HardSwish", "Elu", "Selu", "Softplus", "Reciprocal", "Floor", "Ceil",
    "PRelu",
}) & SUPPORTED
"""ONNX ops that act element by element (a batch of flat buffers is one call)."""

SHAPE_KEYS = ("in_shapes", "out_shapes", "in_layouts", "out_layouts")


@dataclass
class Ctx:
    """The iterations being executed: loop indices, (n, depth)."""

    idx: np.ndarray

    @property
    def n(self) -> int:
        return self.idx.shape[0]

    def affine(self, base: int, strides: np.ndarray) -> np.ndarray:
        if strides.size == 0:
            return np.full(self.n, base, dtype=np.int64)
        return base + self.idx[:, :strides.size] @ strides


ROOT = Ctx(np.zeros((1, 0), dtype=np.int64))


@dataclass(frozen=True)
class Addr:
    space: tuple[str, int]
    base: int
    strides: np.ndarray


def _prod(shape: Any) -> int:
    return int(math.prod(shape))


class FlowAbort(BaseException):
    """Carries an error out of nested interpretation.

    xDSL's interpreter catches every ``Exception`` raised by an implementation
    and attaches a print of the whole module to it, at every nesting level;
    a ``BaseException`` passes through untouched and :func:`run_flow`
    re-raises the error it carries.
    """

    def __init__(self, error: BaseException):
        super().__init__(str(error))
        self.error = error


@register_impls
class MopFunctions(InterpreterFunctions):
    """Implementations of the cim.mop ops on a :class:`Machine`."""

    def __init__(self, machine: Machine, progress: Callable[[int], None] | None = None,
                 inputs: list[tuple[Any, np.ndarray]] | None = None):
        self.m = machine
        self.ctx = ROOT
        self.segment: int | None = None
        self.progress = progress
        self.inputs = inputs or []
        self.outputs: list[np.ndarray] = []
        self._addr: dict[int, tuple[AddrAttr, Addr]] = {}
        self._decoded: dict[int, Any] = {}

    # ---- structure ------------------------------------------------------------------
    @impl(FlowOp)
    def run_flow(self, interp: Interpreter, op: FlowOp, args: PythonValues) -> PythonValues:
        try:
            self._flow(interp, op)
        except FlowAbort:
            raise
        except Exception as e:
            raise FlowAbort(e) from None
        return ()

    def _flow(self, interp: Interpreter, op: FlowOp) -> None:
        for buf, array in self.inputs:
            flat = to_physical(np.asarray(array, dtype=np.float64), buf.layout.data)
            self.m.l0.write(np.array([buf.addr.data]), flat[None, :], False,
                            f"input '{buf.tensor.data}'")
        for seg in op.segments():
            self._run(interp, seg)
        self.segment = None
        self.outputs = []
        for buf in op.outputs.data:
            shape = buf.get("shape")
            try:
                flat = self.m.l0.read(np.array([buf.addr.data]), _prod(shape),
                                      f"output '{buf.tensor.data}'")[0]
            except AccessError as e:
                raise CimError(str(e), "flow outputs") from None
            self.outputs.append(from_physical(flat.copy(), shape, buf.layout.data))

    @impl(SegmentOp)
    def run_segment(self, interp: Interpreter, op: SegmentOp, args: PythonValues) -> PythonValues:
        self.segment = op.index.data
        self._run_block(interp, op.init.block)
        self._run_block(interp, op.compute.block)
        return ()

    @impl(ParallelOp)
    def run_parallel(self, interp: Interpreter, op: ParallelOp,
                     args: PythonValues) -> PythonValues:
        ops = list(op.body.block.ops)
        if len(ops) > 1 and self.ctx.n == 1 and all(isinstance(o, ReadCoreOp) for o in ops) \
                and self._fused_reads(interp, ops):
            return ()
        self._run_block(interp, op.body.block)
        return ()

    @impl(LoopOp)
    def run_loop(self, interp: Interpreter, op: LoopOp, args: PythonValues) -> PythonValues:
        outer = self.ctx
        counts, body = _collapse(op)
        if self.m.batching and outer.n == 1 and not _has_loop(body):
            total = math.prod(counts)
            grid = np.stack([g.reshape(-1) for g in np.indices(counts, dtype=np.int64)], axis=1)
            idx = np.concatenate([np.repeat(outer.idx, total, axis=0), grid], axis=1)
            ctx = Ctx(idx)
            self.ctx = ctx
            try:
                accesses: list[Access] = []
                for inner in _leaves(body):
                    accesses.extend(self._located(inner, lambda o=inner: self._accesses(o)))
                plan = analyze(accesses, total)
            finally:
                self.ctx = outer
            if not isinstance(plan, str):
                self.m.stats.batched_loops += 1
                overlay = Overlay(plan, total)
                self.ctx, self.m.overlay = ctx, overlay
                try:
                    for inner in body:
                        self._run(interp, inner)
                finally:
                    self.ctx, self.m.overlay = outer, None
                self._commit(overlay)
                return ()
            reason = plan
            self.m.stats.fallback_reasons[reason] = self.m.stats.fallback_reasons.get(reason, 0) + 1
        self.m.stats.sequential_loops += 1
        try:
            for i in range(op.count.data):
                self.ctx = Ctx(np.concatenate([outer.idx, [[i]]], axis=1))
                self._run_block(interp, op.body.block)
        finally:
            self.ctx = outer
        return ()

    def _commit(self, overlay: Overlay) -> None:
        for (name, core), sh in overlay.shadows.items():
            cells = np.flatnonzero(sh.defined)
            if cells.size:
                self.m.space(name, core).scatter(sh.lo + cells, sh.data[-1, cells], False,
                                                 "loop temporaries")

    def _run_block(self, interp: Interpreter, block: Block) -> None:
        for op in block.ops:
            self._run(interp, op)

    def _run(self, interp: Interpreter, op: Operation) -> None:
        self._located(op, lambda: interp.run_op(op, ()))

    def _located(self, op: Operation, fn: Callable[[], Any]) -> Any:
        try:
            return fn()
        except FlowAbort:
            raise
        except CimError as e:
            raise FlowAbort(e) from None
        except AccessError as e:
            raise FlowAbort(CimError(str(e), self._where(op, getattr(e, "row", None)))) from None
        except KernelError as e:
            raise FlowAbort(CimError(f"digital operator failed: {e}", self._where(op))) from None
        except Exception as e:  # a bug: keep the original exception and traceback
            raise FlowAbort(e) from None

    def _where(self, op: Operation, row: int | None = None) -> str:
        layer = op.properties.get("layer")
        text = f"'{op.name}'"
        if layer is not None:
            text += f" (layer '{layer.data}')"  # type: ignore[attr-defined]
        if self.segment is not None:
            text = f"segment {self.segment}, {text}"
        ctx = self.ctx
        if ctx.idx.shape[1]:
            if ctx.n == 1 or row is not None:
                vals = ctx.idx[row if row is not None else 0]
                text += " at " + ", ".join(f"i{d}={v}" for d, v in enumerate(vals.tolist()))
            else:
                text += f" in a batched loop of {ctx.n} iterations"
        return text

    def _tick(self, op: Operation) -> None:
        n = self.ctx.n
        stats = self.m.stats.ops
        stats[op.name] = stats.get(op.name, 0) + n
        if self.progress is not None:
            self.progress(n)

    # ---- addresses and buffers ------------------------------------------------------
    def addr(self, a: AddrAttr) -> Addr:
        hit = self._addr.get(id(a))
        if hit is not None and hit[0] is a:
            return hit[1]
        got = Addr((a.space.data, a.core.data), a.base.data,
                   np.asarray(a.strides, dtype=np.int64))
        self._addr[id(a)] = (a, got)
        return got

    def bases(self, a: AddrAttr) -> tuple[Addr, np.ndarray]:
        d = self.addr(a)
        return d, self.ctx.affine(d.base, d.strides)

    def read(self, a: AddrAttr, length: int, what: str) -> np.ndarray:
        """(n, length) elements at the per-iteration addresses of ``a``."""
        d, addrs = self.bases(a)
        try:
            if self.m.overlay is not None:
                sh = self._route(d.space, int(addrs.min()), int(addrs.max()) + length)
                if sh is not None:
                    off = int(addrs[0]) - sh.lo
                    ok = sh.defined[off:off + length]
                    if not ok.all():
                        raise AccessError(f"{what} reads {_name(d.space)}"
                                          f"[{sh.lo + off + int(np.argmin(ok))}], which was "
                                          "never written")
                    return sh.data[:, off:off + length]
            return self.m.space(*d.space).read(addrs, length, what)
        except AccessError as e:
            raise _with_row(e, addrs, length) from None

    def write(self, a: AddrAttr, values: np.ndarray, acc: bool, what: str) -> None:
        d, addrs = self.bases(a)
        length = values.shape[-1]
        values = values.reshape(-1, length)
        try:
            if self.m.overlay is not None:
                sh = self._route(d.space, int(addrs.min()), int(addrs.max()) + length)
                if sh is not None:
                    off = int(addrs[0]) - sh.lo
                    sl = slice(off, off + length)
                    if acc:
                        ok = sh.defined[sl]
                        if not ok.all():
                            raise AccessError(f"{what} accumulates into {_name(d.space)}"
                                              f"[{sh.lo + off + int(np.argmin(ok))}], which "
                                              "was never written")
                        sh.data[:, sl] += values
                    else:
                        sh.data[:, sl] = values
                        sh.defined[sl] = True
                    return
            if values.shape[0] != addrs.size:
                values = np.broadcast_to(values, (addrs.size, length))
            self.m.space(*d.space).write(addrs, values, acc, what)
        except AccessError as e:
            raise _with_row(e, addrs, length) from None

    def gather(self, a: AddrAttr, rel: np.ndarray, what: str,
               valid: np.ndarray | None = None) -> np.ndarray:
        """Elements at base + rel; rel is (L,) or (n, L); invalid ones read as 0."""
        d, addrs = self.bases(a)
        idx = addrs[:, None] + (rel if rel.ndim == 2 else rel[None, :])
        if valid is not None:
            valid = np.broadcast_to(valid, idx.shape)
        if self.m.overlay is not None:
            sel = idx if valid is None else idx[valid]
            if sel.size:
                sh = self._route(d.space, int(sel.min()), int(sel.max()) + 1)
                if sh is not None:
                    local = idx - sh.lo
                    if valid is not None:
                        local = np.where(valid, local, 0)
                    ok = sh.defined[local] if valid is None else (sh.defined[local] | ~valid)
                    if not ok.all():
                        bad = int(idx.reshape(-1)[np.argmin(ok.reshape(-1))])
                        raise AccessError(f"{what} reads {_name(d.space)}[{bad}], which was "
                                          "never written")
                    rows = np.arange(idx.shape[0])[:, None]
                    out = sh.data[rows, local]
                    return out if valid is None else np.where(valid, out, 0.0)
        return self.m.space(*d.space).gather(idx, what, valid)

    def scatter(self, a: AddrAttr, rel: np.ndarray, values: np.ndarray, acc: bool,
                what: str) -> None:
        d, addrs = self.bases(a)
        idx = addrs[:, None] + rel[None, :]
        values = np.broadcast_to(values, idx.shape)
        if self.m.overlay is not None:
            sh = self._route(d.space, int(idx.min()), int(idx.max()) + 1)
            if sh is not None:
                local = idx[0] - sh.lo
                if acc:
                    if not sh.defined[local].all():
                        raise AccessError(f"{what} accumulates into never-written "
                                          f"{_name(d.space)} elements")
                    sh.data[:, local] += values
                else:
                    sh.data[:, local] = values
                    sh.defined[local] = True
                return
        self.m.space(*d.space).scatter(idx, values, acc, what)

    def _route(self, space: tuple[str, int], lo: int, hi: int) -> Any:
        ov = self.m.overlay
        sh = ov.shadows.get(space)
        if sh is None or hi <= sh.lo or lo >= sh.hi:
            return None
        if lo >= sh.lo and hi <= sh.hi:
            return sh
        raise AccessError(f"internal: a batched access to {_name(space)}[{lo}..{hi}) straddles "
                          f"the loop temporaries [{sh.lo}..{sh.hi})")

    def index(self, a: IndexAttr) -> np.ndarray:
        return self.ctx.affine(a.base.data, np.asarray(a.strides, dtype=np.int64))

    # ---- weight programming ---------------------------------------------------------
    def _matrix(self, op: WriteCoreOp | WriteXbOp | WriteRowOp, binding: Any):
        try:
            return build_matrix(self.m.weights, self.m.arch, op.weights, op.matrix, op.bias,
                                binding)
        except ValueError as e:
            raise AccessError(str(e)) from None

    @impl(WriteCoreOp)
    def run_write_core(self, interp: Interpreter, op: WriteCoreOp,
                       args: PythonValues) -> PythonValues:
        self._tick(op)
        binding = parse_binding(getattr(self.m.arch.core, "binding", str(DEFAULT_BINDING)))
        pm, fp = self._matrix(op, binding)
        if fp.cores > op.len.data:
            raise AccessError(f"the matrix needs {fp.cores} cores of the arch's crossbars, "
                              f"the write gives {op.len.data}")
        self.m.program_core(op.core.data, op.len.data, pm, op.matrix.kind.data)
        return ()

    @impl(WriteXbOp)
    def run_write_xb(self, interp: Interpreter, op: WriteXbOp, args: PythonValues) -> PythonValues:
        self._tick(op)
        pm, fp = self._matrix(op, parse_binding(op.binding.data))
        if fp.xbars > op.len.data:
            raise AccessError(f"block {op.matrix.get('block')} needs {fp.xbars} crossbars "
                              f"under binding {op.binding.data}, the VXB has {op.len.data}")
        self.m.program_vxb(op.xb.data, op.len.data, pm)
        return ()

    @impl(WriteRowOp)
    def run_write_row(self, interp: Interpreter, op: WriteRowOp,
                      args: PythonValues) -> PythonValues:
        self._tick(op)
        arch = self.m.arch
        qmax = (1 << (arch.data.weight_bits - 1)) - 1
        try:
            blk = self.m.weights.block(op.weights, op.matrix, op.bias, qmax)
            w, bias = blk.w, blk.bias
        except ValueError as e:
            raise AccessError(str(e)) from None
        layer = op.matrix.layer.data
        alpha, beta = matrix_scales(op.matrix)
        g, r, c = w.shape
        count = op.count.data
        if count == 1:
            if op.row.data + g * r > arch.xb_rows or \
                    op.col.data + g * c * arch.cells_per_weight > arch.xb_cols:
                raise AccessError(f"block of {g * r} rows x {g * c * arch.cells_per_weight} "
                                  f"cells at row {op.row.data}, cell {op.col.data} exceeds the "
                                  f"{arch.xb_rows}x{arch.xb_cols} crossbar")
            scale, tensor = blk.scales()
            if alpha != 1.0:  # rows hold alpha * W (same integers, scale |alpha| * s)
                w, scale, tensor = w * alpha, scale * abs(alpha), tensor * abs(alpha)
            if bias is not None and beta != 1.0:
                bias = bias * beta
            xbar = self.m.row_xbar(op.xb.data, True, "write_row")
            xbar.program(op.row.data, op.col.data, w, bias, scale, tensor, layer)
            return ()
        height = op.height.data or arch.xb_rows
        try:
            tiles = vxb_tiles(WeightMatrix(r, c, g, arch.data.weight_bits), arch,
                              DEFAULT_BINDING, height)
        except MappingError as e:
            raise AccessError(str(e)) from None
        if len(tiles) != count:
            raise AccessError(f"the block tiles onto {len(tiles)} crossbars of {height} rows, "
                              f"the write gives count = {count}")
        tallest = max(t.height for t in tiles)
        if tallest != op.len.data:
            raise AccessError(f"len {op.len.data} is not the tallest tile's height {tallest}")
        self.m.program_row_copy(RowCopy(op.xb.data, count, height, tiles, w, bias, blk.scales,
                                        layer, alpha, beta))
        return ()

    # ---- CIM reads ------------------------------------------------------------------
    @impl(ReadCoreOp)
    def run_read_core(self, interp: Interpreter, op: ReadCoreOp,
                      args: PythonValues) -> PythonValues:
        self._tick(op)
        pm, xs, d, n = self._core_inputs(op)
        y = self.m.numerics.mvm(pm, xs).reshape(xs.shape[0], pm.out_len)
        self._core_output(op, pm, y, d, n)
        return ()

    def _core_inputs(self, op: ReadCoreOp) -> tuple[Any, np.ndarray, dict, int]:
        """The copy's matrix and the (batch, groups, rows) input vectors of a read_core."""
        d = self._core_geometry(op)
        copy = self.m.core_copy(op.core.data, op.len.data, "read_core")
        pm = copy.matrix
        x = self.read(op.src, d["in_len"], "src")
        n = x.shape[0]
        if op.kind.data == "conv":
            xs, groups, rows = self._conv_patches(x, d)
        else:
            m_rows, k_full = d["in_shape"]
            k0, k1 = d["channels"]
            xs = x.reshape(n * m_rows, k_full)[:, k0:k1][:, None, :]
            groups, rows = 1, k1 - k0
        if pm.groups != groups or pm.rows != rows:
            raise AccessError(f"core {op.core.data} holds a {pm.groups}x{pm.rows}x{pm.cols} "
                              f"(groups x rows x cols) matrix of layer '{pm.layer}', the read "
                              f"needs {groups}x{rows} rows")
        if pm.out_len != d["out_shape"][-1]:
            raise AccessError(f"the core computes {pm.out_len} outputs per pixel/row, "
                              f"out_shape {d['out_shape']} expects {d['out_shape'][-1]}")
        return pm, xs, d, n

    def _core_output(self, op: ReadCoreOp, pm: Any, y: np.ndarray, d: dict, n: int) -> None:
        if op.kind.data == "matmul":
            alpha = pm.alpha if d["alpha"] is None else d["alpha"]
            beta = pm.beta if d["beta"] is None else d["beta"]
            if alpha != 1.0:
                y = y * alpha
            if pm.bias is not None:
                y = y + beta * pm.bias
        elif pm.bias is not None:
            y = y + pm.bias
        self.write(op.dst, y.reshape(n, -1), False, "dst")

    def _fused_reads(self, interp: Interpreter, ops: list[Operation]) -> bool:
        """A parallel of read_cores on copies of one matrix as one multiply.

        Duplicated copies hold the same programmed matrix; stacking their input
        windows makes one large product instead of one weight sweep per copy.
        Only when no read's source overlaps any destination (then the order of
        the reads cannot matter); otherwise, or on any problem, False and the
        ops run one by one (which also reports errors at the right op).
        """
        try:
            pms = [self.m.core_copy(o.core.data, o.len.data, "read_core").matrix for o in ops]
            geo = [self._core_geometry(o) for o in ops]
        except AccessError:
            return False
        if any(pm is not pms[0] for pm in pms) or len({o.kind.data for o in ops}) != 1:
            return False
        spans = []
        for o, d in zip(ops, geo):
            (s_space, s_lo), (d_space, d_lo) = (
                (self.addr(a).space, int(self.bases(a)[1][0])) for a in (o.src, o.dst))
            spans.append(((s_space, s_lo, s_lo + d["in_len"]), (d_space, d_lo, d_lo + d["out_len"])))
        dsts = [dst for _, dst in spans]
        for src, _ in spans:
            if any(src[0] == t[0] and src[1] < t[2] and t[1] < src[2] for t in dsts):
                return False
        for k, a in enumerate(dsts):
            if any(a[0] == b[0] and a[1] < b[2] and b[1] < a[2] for b in dsts[k + 1:]):
                return False
        inputs = []
        for o in ops:
            self._tick(o)
            inputs.append(self._located(o, lambda o=o: self._core_inputs(o)))
        pm = pms[0]
        xs = np.concatenate([i[1] for i in inputs], axis=0)
        y = self.m.numerics.mvm(pm, xs).reshape(xs.shape[0], pm.out_len)
        start = 0
        for o, (_, part, d, n) in zip(ops, inputs):
            rows = part.shape[0]
            self._located(o, lambda o=o, d=d, n=n, s=start, r=rows:
                          self._core_output(o, pm, y[s:s + r], d, n))
            start += rows
        return True

    def _core_geometry(self, op: ReadCoreOp) -> dict:
        d = self._decoded.get(id(op))
        if d is not None:
            return d
        p = op.params.as_dict()
        d = dict(p)
        try:
            if op.kind.data == "conv":
                rows, w, c = p["in_shape"]
                d["channels"] = list(p.get("channels", [0, c]))
                kh, kw = p["kernel_shape"]
                sh, sw = p["strides"]
                dh, dw = p["dilations"]
                pt, pl, pb, pr = p["pads"]
                oh = (rows + pt + pb - dh * (kh - 1) - 1) // sh + 1
                ow = (w + pl + pr - dw * (kw - 1) - 1) // sw + 1
                if list(p["out_shape"][:2]) != [oh, ow]:
                    raise AccessError(f"params out_shape {p['out_shape']} does not match the "
                                      f"{oh}x{ow} output of the in_shape/kernel/pads")
                c0, c1 = d["channels"]
                if not 0 <= c0 < c1 <= c or (c1 - c0) % p.get("group", 1):
                    raise AccessError(f"channels [{c0}, {c1}) are not within the {c} input "
                                      f"channels (group {p.get('group', 1)})")
                d["in_len"] = rows * w * c
            else:
                m_rows, k = p["in_shape"]
                d["channels"] = list(p.get("channels", [0, k]))
                k0, k1 = d["channels"]
                if not 0 <= k0 < k1 <= k:
                    raise AccessError(f"channels [{k0}, {k1}) are not within K = {k}")
                if p["out_shape"][0] != m_rows:
                    raise AccessError(f"out_shape {p['out_shape']} has not the in_shape's "
                                      f"{m_rows} rows")
                d["alpha"] = float(p["alpha"]) if "alpha" in p else None
                d["beta"] = float(p["beta"]) if "beta" in p else None
                d["in_len"] = m_rows * k
        except (KeyError, TypeError, ValueError) as e:
            raise AccessError(f"bad read_core params {p}: {e}") from None
        d["out_len"] = _prod(p["out_shape"])
        self._decoded[id(op)] = d
        return d

    def _conv_patches(self, x: np.ndarray, d: dict) -> tuple[np.ndarray, int, int]:
        """(n, rows*W*C) HWC inputs -> (n*OH*OW, G, kh*kw*C/G) windows."""
        n = x.shape[0]
        rows, w, c = d["in_shape"]
        c0, c1 = d["channels"]
        kh, kw = d["kernel_shape"]
        sh, sw = d["strides"]
        dh, dw = d["dilations"]
        pt, pl, pb, pr = d["pads"]
        oh, ow, _ = d["out_shape"]
        groups = d.get("group", 1)
        cc = c1 - c0
        xi = x.reshape(n, rows, w, c)
        if (c0, c1) != (0, c):
            xi = xi[..., c0:c1]
        if pt or pl or pb or pr:
            xp = np.zeros((n, rows + pt + pb, w + pl + pr, cc))
            xp[:, pt:pt + rows, pl:pl + w] = xi
        else:
            xp = xi
        if kh == kw == 1:
            win = xp[:, :(oh - 1) * sh + 1:sh, :(ow - 1) * sw + 1:sw]
            patches = np.ascontiguousarray(win).reshape(n * oh * ow, cc)
        else:
            s0, s1, s2, s3 = xp.strides
            win = as_strided(xp, (n, oh, ow, kh, kw, cc),
                             (s0, sh * s1, sw * s2, dh * s1, dw * s2, s3), writeable=False)
            patches = win.reshape(n * oh * ow, kh * kw * cc)
        if groups == 1:
            return patches[:, None, :], 1, patches.shape[1]
        per = cc // groups
        xs = patches.reshape(-1, kh * kw, groups, per).transpose(0, 2, 1, 3)
        return xs.reshape(-1, groups, kh * kw * per), groups, kh * kw * per

    @impl(ReadXbOp)
    def run_read_xb(self, interp: Interpreter, op: ReadXbOp, args: PythonValues) -> PythonValues:
        if op.n_copies > 1:  # n reads on duplicated weights, issued together
            for single in op.single_copies():
                self.run_read_xb(interp, single, args)
            return ()
        self._tick(op)
        pm = self.m.vxb(op.xb.data, op.len.data, "read_xb").matrix
        x = self.read(op.src, pm.in_len, "src")
        n = x.shape[0]
        y = self.m.numerics.mvm(pm, x.reshape(n, pm.groups, pm.rows)).reshape(n, pm.out_len)
        self._finish_read(op, pm, y)
        return ()

    @impl(ReadRowOp)
    def run_read_row(self, interp: Interpreter, op: ReadRowOp,
                     args: PythonValues) -> PythonValues:
        if op.n_copies > 1:  # n reads on duplicated weights, issued together
            for single in op.single_copies():
                self.run_read_row(interp, single, args)  # type: ignore[arg-type]
            return ()
        self._tick(op)
        if op.count.data == 1:
            xbar = self.m.row_xbar(op.xb.data, False, "read_row")
            pm, _ = xbar.matrix_for(op.row.data, op.len.data, "read_row")
            self._check_int_rows(op, pm)
            x = self.read(op.src, op.len.data, "src")
            n = x.shape[0]
            y = self.m.numerics.mvm(pm, x.reshape(n, 1, op.len.data)).reshape(n, pm.out_len)
            self._finish_read(op, pm, y)
            return ()
        copy, parts = self._row_step(op)
        x = self.read(op.src, copy.in_len, "src")
        n = x.shape[0]
        if parts is None:  # the logical copy: one gather, one multiply
            pm, act = copy.step(op.row.data, op.len.data)
            g, r, _ = copy.w.shape
            xs = np.concatenate([x.reshape(n, g, r), np.zeros((n, g, 1))], axis=2)
            xs = np.take_along_axis(xs, np.broadcast_to(act[None], (n,) + act.shape), axis=2)
            y = self.m.numerics.mvm(pm, xs).reshape(n, copy.out_len)
            bias = pm.bias
        else:
            y = np.zeros((n, copy.out_len))
            bias = np.zeros(copy.out_len)
            for t, pm, rows in parts:
                part = x[:, t.in_offset + op.row.data:t.in_offset + op.row.data + rows]
                out = slice(t.out_offset, t.out_offset + t.width)
                y[:, out] += self.m.numerics.mvm(pm, part.reshape(n, 1, rows)).reshape(
                    n, t.width)
                if pm.bias is not None:
                    bias[out] += pm.bias
            if not bias.any():
                bias = None
        if copy.alpha != 1.0:
            y *= copy.alpha
        if bias is not None:
            y += copy.beta * bias
        if op.shift.data:
            y *= float(2.0 ** op.shift.data)
        self.write(op.dst, y, op.acc is not None, "dst")
        return ()

    def _row_step(self, op: ReadRowOp) -> tuple[Any, list]:
        """The tiled copy a read_row (count > 1) activates and, per tile, its rows' matrix."""
        copy = self.m.row_copies.get(op.xb.data)
        count = op.count.data
        if copy is None or copy.count != count:
            for x in range(op.xb.data, op.xb.data + count):
                if x not in self.m.row_xbars:
                    raise AccessError(f"read_row: crossbar {x} was never written")
            raise AccessError(f"read_row: crossbars [{op.xb.data}, {op.xb.data + count}) are "
                              "not one copy programmed by a tiled write_row")
        height = op.height.data or self.m.arch.xb_rows
        if height != copy.height:
            raise AccessError(f"read_row: tile height {height} does not match the copy's "
                              f"{copy.height}")
        if not copy.materialized:
            copy.step(op.row.data, op.len.data)  # validates the rows
            return copy, None
        parts = []
        row = op.row.data
        for t in copy.tiles:
            rows = min(op.len.data, t.height - row)
            if rows <= 0:
                continue
            xbar = self.m.row_xbar(op.xb.data + t.offset, False, "read_row")
            pm, _ = xbar.matrix_for(row, rows, "read_row", width=t.width)
            self._check_int_rows(op, pm)
            parts.append((t, pm, rows))
        if not parts:
            raise AccessError(f"read_row: rows [{row}, {row + op.len.data}) are beyond every "
                              "tile of the copy")
        return copy, parts

    def _check_int_rows(self, op: ReadRowOp, pm: Any) -> None:
        if isinstance(self.m.numerics, IntNumerics) and pm.cache.get("mixed_scales"):
            raise AccessError(f"rows [{op.row.data}, {op.row.data + op.len.data}) of crossbar "
                              f"{op.xb.data} hold weights of '{pm.layer}' with different "
                              "quantisation scales in one column; int numerics cannot "
                              "convert them with one ADC read")

    def _finish_read(self, op: ReadXbOp | ReadRowOp, pm: Any, y: np.ndarray) -> None:
        if pm.alpha != 1.0:
            y = y * pm.alpha
        if pm.bias is not None:
            y = y + pm.beta * pm.bias
        if op.shift.data:
            y = y * float(2.0 ** op.shift.data)
        self.write(op.dst, y, op.acc is not None, "dst")

    # ---- data movement --------------------------------------------------------------
    def _mov_geometry(self, op: MovOp) -> tuple[np.ndarray | None, np.ndarray | None, int]:
        d = self._decoded.get(id(op))
        if d is None:
            sizes, ss, ds = op.shape()
            length = op.len.data
            if op.sizes is None:
                d = (None, None, length)
            else:
                grids = np.indices(sizes, dtype=np.int64).reshape(len(sizes), -1)
                src = (grids * np.asarray(ss, dtype=np.int64)[:, None]).sum(axis=0)
                dst = (grids * np.asarray(ds, dtype=np.int64)[:, None]).sum(axis=0)
                if np.unique(dst).size != dst.size:
                    raise AccessError(f"destination elements overlap (sizes {sizes}, dst "
                                      f"strides {ds}): a mov writes each element once")
                contiguous = np.arange(length)
                d = (None if np.array_equal(src, contiguous) else src,
                     None if np.array_equal(dst, contiguous) else dst, length)
            self._decoded[id(op)] = d
        return d

    @impl(MovOp)
    def run_mov(self, interp: Interpreter, op: MovOp, args: PythonValues) -> PythonValues:
        self._tick(op)
        src, dst, length = self._mov_geometry(op)
        values = self.read(op.src, length, "src") if src is None else \
            self.gather(op.src, src, "src")
        values = np.array(values)  # read everything before writing (memmove)
        if dst is None:
            self.write(op.dst, values, False, "dst")
        else:
            self.scatter(op.dst, dst, values, False, "dst")
        return ()

    def _im2col_geometry(self, op: Im2colOp) -> dict:
        d = self._decoded.get(id(op))
        if d is None:
            p = op.params.as_dict()
            try:
                h, w, c = p["in_shape"]
                kh, kw = p["kernel_shape"]
                sh, sw = p["strides"]
                dh, dw = p["dilations"]
                pt, pl, pb, pr = p["pads"]
                c0, c1 = p["channels"]
            except (KeyError, TypeError, ValueError) as e:
                raise AccessError(f"bad im2col params {p}: {e}") from None
            if not 0 <= c0 < c1 <= c:
                raise AccessError(f"channels [{c0}, {c1}) are not within the {c} channels")
            oh = (h + pt + pb - dh * (kh - 1) - 1) // sh + 1
            ow = (w + pl + pr - dw * (kw - 1) - 1) // sw + 1
            groups = int(p.get("groups", 1))
            if groups < 1 or (c1 - c0) % groups:
                raise AccessError(f"channels [{c0}, {c1}) do not split into {groups} groups")
            d = dict(h=h, w=w, c=c, kh=kh, kw=kw, sh=sh, sw=sw, dh=dh, dw=dw, pt=pt, pl=pl,
                     c0=c0, c1=c1, oh=oh, ow=ow, groups=groups,
                     row_len=kh * kw * (c1 - c0),
                     ky=np.arange(kh, dtype=np.int64) * dh,
                     kx=np.arange(kw, dtype=np.int64) * dw,
                     ch=np.arange(c0, c1, dtype=np.int64))
            self._decoded[id(op)] = d
        return d

    def _im2col_windows(self, op: Im2colOp, d: dict) -> np.ndarray:
        first = self.index(op.first)
        count = op.count.data
        lo, hi = int(first.min()), int(first.max()) + count
        if lo < 0 or hi > d["oh"] * d["ow"]:
            raise AccessError(f"windows [{lo}, {hi}) exceed the {d['oh']}x{d['ow']} output "
                              "windows")
        return first

    @impl(Im2colOp)
    def run_im2col(self, interp: Interpreter, op: Im2colOp, args: PythonValues) -> PythonValues:
        self._tick(op)
        d = self._im2col_geometry(op)
        first = self._im2col_windows(op, d)
        win = first[:, None] + np.arange(op.count.data, dtype=np.int64)
        oy, ox = np.divmod(win, d["ow"])
        iy = (oy * d["sh"] - d["pt"])[:, :, None, None, None] + d["ky"][:, None, None]
        ix = (ox * d["sw"] - d["pl"])[:, :, None, None, None] + d["kx"][None, :, None]
        valid = (iy >= 0) & (iy < d["h"]) & (ix >= 0) & (ix < d["w"])
        rel = (iy * d["w"] + ix) * d["c"] + d["ch"]
        valid = np.broadcast_to(valid, rel.shape)
        n = first.size
        g = d["groups"]
        if g > 1:  # group-major windows: (g, kh, kw, c/g), the VXB's input order
            shape = rel.shape[:4] + (g, rel.shape[4] // g)
            rel = np.moveaxis(rel.reshape(shape), 4, 2)
            valid = np.moveaxis(valid.reshape(shape), 4, 2)
        values = self.gather(op.src, rel.reshape(n, -1), "src",
                             None if valid.all() else valid.reshape(n, -1))
        self.write(op.dst, values, False, "dst")
        return ()

    # ---- digital compute ------------------------------------------------------------
    def _dcom_decoded(self, op: DcomOp) -> dict:
        d = self._decoded.get(id(op))
        if d is not None:
            return d
        p = op.params.as_dict()
        in_shapes = p.get("in_shapes", [])
        out_shapes = p.get("out_shapes", [])
        n_addr = sum(isinstance(s, AddrAttr) for s in op.srcs.data)
        in_layouts = p.get("in_layouts", ["rowmajor"] * n_addr)
        out_layouts = p.get("out_layouts", ["rowmajor"] * len(out_shapes))
        if len(in_layouts) != n_addr or len(out_layouts) != len(out_shapes):
            raise AccessError("params need one layout per buffer input and output")
        srcs: list[tuple] = []
        k = 0
        for s in op.srcs.data:
            if isinstance(s, AddrAttr):
                srcs.append(("addr", s, tuple(in_shapes[k]), in_layouts[k]))
                k += 1
            elif isinstance(s, UnitAttr):
                srcs.append(("none",))
            elif isinstance(s, CONST_ATTRS):
                array = to_array(s)
                if array.dtype.kind == "f":
                    array = array.astype(np.float64)
                srcs.append(("const", array))
            else:
                raise AccessError(f"source {s} is not an address, a constant or unit")
        dsts = [(a, tuple(out_shapes[i]), out_layouts[i]) for i, a in enumerate(op.dsts.data)]
        attrs = {key: value for key, value in p.items() if key not in SHAPE_KEYS}
        kind = op.kind.data
        flat = (kind in ELEMENTWISE and len(dsts) == 1 and any(s[0] == "addr" for s in srcs)
                and all(s[0] != "addr" or (s[2] == dsts[0][1] and s[3] == dsts[0][2])
                        for s in srcs)
                and all(s[0] != "const" or s[1].size == 1 for s in srcs))
        d = dict(kind=kind, srcs=srcs, dsts=dsts, attrs=attrs, flat=flat)
        self._decoded[id(op)] = d
        return d

    @impl(DcomOp)
    def run_dcom(self, interp: Interpreter, op: DcomOp, args: PythonValues) -> PythonValues:
        self._tick(op)
        d = self._dcom_decoded(op)
        n = self.ctx.n
        buffers = []
        for s in d["srcs"]:
            if s[0] == "addr":
                buffers.append(self.read(s[1], _prod(s[2]), "src"))
        if d["flat"]:
            inputs: list = []
            it = iter(buffers)
            for s in d["srcs"]:
                inputs.append(next(it) if s[0] == "addr" else
                              (s[1].reshape(()) if s[0] == "const" else None))
            (y,) = evaluate(d["kind"], inputs, d["attrs"])[:1]
            length = _prod(d["dsts"][0][1])
            if np.shape(y) != (n, length):
                raise AccessError(f"{d['kind']} produced shape {list(np.shape(y))}, expected "
                                  f"{length} elements per iteration")
            self.write(d["dsts"][0][0], np.asarray(y, dtype=np.float64), False, "dst")
            return ()
        per_out: list[list[np.ndarray]] = [[] for _ in d["dsts"]]
        for row in range(n):
            inputs = []
            it = iter(buffers)
            for s in d["srcs"]:
                if s[0] == "addr":
                    flat = next(it)
                    inputs.append(from_physical(flat[row if flat.shape[0] > 1 else 0], s[2], s[3]))
                else:
                    inputs.append(s[1] if s[0] == "const" else None)
            outs = evaluate(d["kind"], inputs, d["attrs"])
            if len(outs) < len(d["dsts"]):
                raise AccessError(f"{d['kind']} produced {len(outs)} outputs, the op writes "
                                  f"{len(d['dsts'])}")
            for i, (dst, shape, layout) in enumerate(d["dsts"]):
                y = np.asarray(outs[i])
                if tuple(y.shape) != shape:
                    raise AccessError(f"{d['kind']} produced shape {list(y.shape)}, out_shapes "
                                      f"says {list(shape)}")
                per_out[i].append(to_physical(y.astype(np.float64, copy=False), layout))
        for i, (dst, _, _) in enumerate(d["dsts"]):
            self.write(dst, np.stack(per_out[i]), False, f"dst {i}" if len(d["dsts"]) > 1
                       else "dst")
        return ()

    # ---- batching support -----------------------------------------------------------
    def _accesses(self, op: Operation) -> list[Access]:
        if isinstance(op, ReadXbOp | ReadRowOp) and op.n_copies > 1:
            return [a for single in op.single_copies() for a in self._accesses(single)]
        label = f"'{op.name}'"
        out: list[Access] = []

        def block(a: AddrAttr, length: int, mode: str, offsets: np.ndarray | None = None,
                  exact: bool = True, base_shift: np.ndarray | None = None) -> None:
            d, addrs = self.bases(a)
            if base_shift is not None:
                addrs = addrs + base_shift
            if length <= 0:
                return
            out.append(Access(d.space, mode, addrs, length, offsets, exact, label))

        if isinstance(op, ReadCoreOp):
            g = self._core_geometry(op)
            block(op.src, g["in_len"], "r")
            block(op.dst, g["out_len"], "w")
        elif isinstance(op, ReadXbOp):
            pm = self.m.vxb(op.xb.data, op.len.data, "read_xb").matrix
            block(op.src, pm.in_len, "r")
            block(op.dst, pm.out_len, "a" if op.acc is not None else "w")
        elif isinstance(op, ReadRowOp):
            if op.count.data == 1:
                xbar = self.m.row_xbar(op.xb.data, False, "read_row")
                pm, _ = xbar.matrix_for(op.row.data, op.len.data, "read_row")
                block(op.src, op.len.data, "r")
                block(op.dst, pm.out_len, "a" if op.acc is not None else "w")
            else:
                copy, _ = self._row_step(op)
                block(op.src, copy.in_len, "r")
                block(op.dst, copy.out_len, "a" if op.acc is not None else "w")
        elif isinstance(op, MovOp):
            src, dst, length = self._mov_geometry(op)
            for a, offs, mode in ((op.src, src, "r"), (op.dst, dst, "w")):
                if offs is None:
                    block(a, length, mode)
                else:
                    lo = int(offs.min())
                    block(a, int(offs.max()) - lo + 1, mode, np.sort(offs) - lo,
                          base_shift=np.full(self.ctx.n, lo, dtype=np.int64))
        elif isinstance(op, Im2colOp):
            d = self._im2col_geometry(op)
            first = self._im2col_windows(op, d)
            last = first + op.count.data - 1
            y_lo = np.maximum(first // d["ow"] * d["sh"] - d["pt"], 0)
            y_hi = np.minimum(last // d["ow"] * d["sh"] - d["pt"] + (d["kh"] - 1) * d["dh"],
                              d["h"] - 1)
            row = d["w"] * d["c"]
            if (y_hi >= y_lo).all():
                d_src, addrs = self.bases(op.src)
                starts = addrs + y_lo * row
                out.append(Access(d_src.space, "r", starts, int(((y_hi - y_lo + 1) * row).max()),
                                  None, False, label, ends=addrs + (y_hi + 1) * row))
            block(op.dst, op.count.data * d["row_len"], "w")
        elif isinstance(op, DcomOp):
            d = self._dcom_decoded(op)
            for s in d["srcs"]:
                if s[0] == "addr":
                    block(s[1], _prod(s[2]), "r")
            for dst, shape, _ in d["dsts"]:
                block(dst, _prod(shape), "w")
        else:
            raise AccessError(f"internal: no access model for {op.name}")
        return out


def _name(space: tuple[str, int]) -> str:
    return "L0" if space[0] == "L0" else f"L1.{space[1]}"


def _with_row(e: AccessError, addrs: np.ndarray, length: int) -> AccessError:
    """Attach the batch row (iteration) an error is about, when the address says it."""
    if addrs.size > 1 and getattr(e, "row", None) is None:
        import re

        m = re.search(r"\[(-?\d+)", str(e))
        if m:
            a = int(m.group(1))
            rows = np.flatnonzero((addrs <= a) & (a < addrs + length))
            if rows.size:
                e.row = int(rows[0])  # type: ignore[attr-defined]
            elif "out of range" in str(e):
                e.row = int(np.argmax(addrs))  # type: ignore[attr-defined]
    return e


def _collapse(op: LoopOp) -> tuple[list[int], list[Operation]]:
    """A perfect loop nest as one iteration space: (trip counts, innermost body)."""
    counts = [op.count.data]
    body = list(op.body.block.ops)
    while len(body) == 1 and isinstance(body[0], LoopOp):
        counts.append(body[0].count.data)
        body = list(body[0].body.block.ops)
    return counts, body


def _has_loop(ops: list[Operation]) -> bool:
    return any(isinstance(o, LoopOp) or (isinstance(o, ParallelOp) and
                                          _has_loop(list(o.body.block.ops))) for o in ops)


def _leaves(ops: list[Operation]) -> list[Operation]:
    out: list[Operation] = []
    for o in ops:
        if isinstance(o, ParallelOp):
            out.extend(_leaves(list(o.body.block.ops)))
        else:
            out.append(o)
    return out


def op_weight(op: Operation, cache: dict[int, int] | None = None) -> int:
    """Leaf meta-ops a region executes (loops multiply): the progress total."""
    if cache is None:
        cache = {}
    key = id(op)
    if key in cache:
        return cache[key]
    if isinstance(op, FlowOp):
        w = sum(op_weight(s, cache) for s in op.segments())
    elif isinstance(op, SegmentOp):
        w = sum(op_weight(o, cache) for o in op.init.block.ops) + \
            sum(op_weight(o, cache) for o in op.compute.block.ops)
    elif isinstance(op, ParallelOp):
        w = sum(op_weight(o, cache) for o in op.body.block.ops)
    elif isinstance(op, LoopOp):
        w = op.count.data * sum(op_weight(o, cache) for o in op.body.block.ops)
    elif isinstance(op, ReadXbOp | ReadRowOp):
        w = op.n_copies
    else:
        w = 1
    cache[key] = w
    return w


__all__ = ["FlowAbort", "MopFunctions", "op_weight"]
