"""The ``cim.xbar`` dialect: operators as MVMs on virtual crossbars (XBM level).

``convert-cim-core-to-xbar`` turns each ``cim.core`` operator into its
``cim.xbar`` twin: the same operator (so every CG decision — segment,
pipeline stage, cores — is kept in ``schedule``) plus how its MVMs map to
crossbars (§3.2.2, §3.3.3):

* ``binding``: the dimension binding of matrix R/C/B onto XBR/XBC/XB
  (Fig. 7), defaulted from the arch (``core.binding``), overridable per op;
* ``vxb``: the virtual crossbar it builds — crossbars per copy, row tiles
  (partial sums the ALU accumulates), column tiles, bit-slice crossbars
  (shift-accumulated), groups packed per crossbar;
* ``placement``: MVM-grained duplication D' (Eq. 1), the first crossbar of
  every copy (no two copies share a crossbar), and the activation ``stagger``
  of the MVM-grained pipeline (an MVM step's crossbars activated in that many
  waves: first across copies, then across each copy's row tiles);
* ``windows``: the number of MVMs (sliding windows of a conv in im2col
  order, rows of a matmul).
"""

from __future__ import annotations

import math

from xdsl.dialects.builtin import ArrayAttr, IntAttr, StringAttr
from xdsl.ir import Dialect
from xdsl.irdl import irdl_attr_definition, irdl_op_definition, prop_def
from xdsl.utils.exceptions import VerifyException

from cim_mlir.cost.mapping import Binding, Footprint, MappingError, footprint
from cim_mlir.dialects.core import CimCoreOp, ConvLike, MatmulLike, _arch_of
from cim_mlir.dialects.plain import RecordAttr


@irdl_attr_definition
class VxbAttr(RecordAttr):
    """One copy's virtual crossbar (the tiling of cim_mlir.cost.mapping.Footprint)."""

    name = "cim.xbar.vxb"

    xbars: IntAttr
    row_tiles: IntAttr
    col_tiles: IntAttr
    bit_xbars: IntAttr
    groups_per_xbar: IntAttr

    @staticmethod
    def of(fp: Footprint) -> VxbAttr:
        return VxbAttr.make(xbars=fp.xbars, row_tiles=fp.row_tiles, col_tiles=fp.col_tiles,
                            bit_xbars=fp.bit_xbars, groups_per_xbar=fp.groups_per_xbar)


@irdl_attr_definition
class PlacementAttr(RecordAttr):
    """MVM-grained duplication and placement of an operator's VXB copies."""

    name = "cim.xbar.placement"
    DEFAULTS = {"stagger": 1}

    dup: IntAttr
    """Copies D' working on disjoint windows."""
    xbars: ArrayAttr[IntAttr]
    """First (global) crossbar of every copy; a copy uses vxb.xbars consecutive ones."""
    stagger: IntAttr
    """Activation waves per MVM step: the copies (and, beyond dup waves, the row
    tiles of each copy) are activated in this many successive groups."""

    @property
    def starts(self) -> list[int]:
        return [x.data for x in self.xbars.data]


class XbarOp(CimCoreOp):
    """What the cim.xbar ops add to their cim.core twins."""

    binding = prop_def(StringAttr)
    vxb = prop_def(VxbAttr)
    placement = prop_def(PlacementAttr)
    windows = prop_def(IntAttr)

    def copy_xbars(self) -> int:
        """Crossbars one copy occupies."""
        return self.vxb.xbars.data

    def tile_height(self) -> int | None:
        """Rows per crossbar tile if fewer than a crossbar has (cim.row remapping)."""
        return None

    def binding_value(self) -> Binding:
        return Binding.parse(self.binding.data)

    def verify_xbar(self) -> None:
        try:
            binding = self.binding_value()
        except MappingError as e:
            raise VerifyException(f"'{self.name}' {self.layer_name}: {e}") from None
        p = self.placement
        starts = p.starts
        if p.dup.data < 1 or len(starts) != p.dup.data:
            raise VerifyException(
                f"'{self.name}' {self.layer_name}: placement lists {len(starts)} copies "
                f"but dup is {p.dup.data}")
        top = max(p.dup.data * self.vxb.row_tiles.data, 1)
        if not 1 <= p.stagger.data <= top:
            raise VerifyException(f"'{self.name}' {self.layer_name}: stagger "
                                  f"{p.stagger.data} must be in [1, dup x row tiles = {top}]")
        out = self.output.type
        shape = out.get_shape() if hasattr(out, "get_shape") else ()  # type: ignore[union-attr]
        mvms = (shape[0] * shape[2] * shape[3] if isinstance(self, ConvLike)
                else math.prod(shape[:-1])) if shape else 1
        if self.windows.data != mvms:
            raise VerifyException(
                f"'{self.name}' {self.layer_name}: windows = {self.windows.data}, but the "
                f"operator does {mvms} MVMs (one per output {'pixel' if isinstance(self, ConvLike) else 'row'})")
        size = self.copy_xbars()
        spans = sorted((s, s + size) for s in starts)
        for (a0, a1), (b0, _) in zip(spans, spans[1:]):
            if b0 < a1:
                raise VerifyException(
                    f"'{self.name}' {self.layer_name}: copies at crossbars {a0} and {b0} "
                    f"overlap (each copy needs {size} crossbars)")
        arch = _arch_of(self)
        if arch is None:
            return
        try:
            fp = footprint(self.matrix.matrix(), arch, binding, self.tile_height())
        except MappingError as e:
            raise VerifyException(f"'{self.name}' {self.layer_name}: {e}") from None
        if VxbAttr.of(fp) != self.vxb:
            raise VerifyException(
                f"'{self.name}' {self.layer_name}: vxb {self.vxb} does not match binding "
                f"{binding} on arch '{arch.name}' (expected {VxbAttr.of(fp)})")
        if spans and (spans[0][0] < 0 or spans[-1][1] > arch.num_xbars):
            raise VerifyException(
                f"'{self.name}' {self.layer_name}: copies use crossbars "
                f"[{spans[0][0]}, {spans[-1][1]}) beyond the chip's {arch.num_xbars}")


@irdl_op_definition
class XbarConvOp(XbarOp, ConvLike):
    """A convolution as MVMs of its im2col windows on VXB copies."""

    name = "cim.xbar.conv"

    def verify_(self) -> None:
        ConvLike.verify_(self)
        self.verify_xbar()


@irdl_op_definition
class XbarMatmulOp(XbarOp, MatmulLike):
    """A matrix multiplication as one MVM per input row on VXB copies."""

    name = "cim.xbar.matmul"

    def verify_(self) -> None:
        MatmulLike.verify_(self)
        self.verify_xbar()


CIM_XBAR = Dialect("cim.xbar", [XbarConvOp, XbarMatmulOp], [VxbAttr, PlacementAttr])
