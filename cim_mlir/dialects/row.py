"""The ``cim.row`` dialect: MVMs as activations of row groups (WLM level).

In wordline mode the compiler activates at most ``parallel_row`` rows of a
crossbar at a time (§3.2.3).  ``convert-cim-xbar-to-row`` turns each
``cim.xbar`` operator into its ``cim.row`` twin, which adds ``rows``:

* ``size``: rows activated together (at most ``parallel_row``), and
* ``height``: rows of the matrix each crossbar of a copy holds.

With the natural height (all crossbar rows, Fig. 14b) a tile's row groups
share a crossbar and activate in ceil(height / size) successive steps whose
partial sums accumulate.  ``vvm-remap`` lowers the height (Fig. 14c): the
groups feeding one output move to distinct crossbars and activate in the
same step, at the price of more crossbars per copy.  The operator's ``vxb``
is always the tiling at its height (cim_mlir.cost.mapping.vxb_tiles), so
a group's crossbar and rows follow from these two numbers and the IR stays
compact however large the model.
"""

from __future__ import annotations

import math

from xdsl.dialects.builtin import IntAttr
from xdsl.ir import Dialect
from xdsl.irdl import irdl_attr_definition, irdl_op_definition, prop_def
from xdsl.utils.exceptions import VerifyException

from cim_mlir.arch import Arch
from cim_mlir.dialects.core import ConvLike, MatmulLike, _arch_of
from cim_mlir.dialects.plain import RecordAttr
from cim_mlir.dialects.xbar import XbarOp


@irdl_attr_definition
class RowGroupsAttr(RecordAttr):
    """How a copy's rows are grouped for activation and spread over crossbars."""

    name = "cim.row.groups"

    size: IntAttr
    """Rows activated together (<= parallel_row)."""
    height: IntAttr
    """Matrix rows per crossbar tile (<= crossbar rows)."""


class RowOp(XbarOp):
    """What the cim.row ops add to their cim.xbar twins."""

    rows = prop_def(RowGroupsAttr)

    def tile_height(self) -> int | None:
        return self.rows.height.data

    def tile_rows(self) -> int:
        """Rows of the tallest crossbar tile of a copy."""
        m = self.matrix.matrix()
        return min(self.rows.height.data, m.rows) * self.vxb.groups_per_xbar.data

    def row_steps(self) -> int:
        """Row activations per MVM per input slice."""
        return math.ceil(self.tile_rows() / self.rows.size.data)

    def remapped(self, arch: Arch) -> bool:
        return self.rows.height.data < min(arch.xb_rows, self.matrix.matrix().rows)

    def verify_rows(self) -> None:
        size, height = self.rows.size.data, self.rows.height.data
        if size < 1 or height < 1:
            raise VerifyException(f"'{self.name}' {self.layer_name}: rows {self.rows} needs "
                                  "size >= 1 and height >= 1")
        if self.vxb.bit_xbars.data != 1 or self.binding_value().bits != "XBC":
            raise VerifyException(
                f"'{self.name}' {self.layer_name}: wordline mode keeps a weight's bit slices "
                f"in adjacent columns (binding B->XBC), not {self.binding.data}")
        arch = _arch_of(self)
        if arch is None:
            return
        if size > arch.crossbar.parallel_row:
            raise VerifyException(
                f"'{self.name}' {self.layer_name}: row groups of {size} rows exceed "
                f"parallel_row = {arch.crossbar.parallel_row}")
        if height > arch.xb_rows:
            raise VerifyException(
                f"'{self.name}' {self.layer_name}: tiles of {height} rows exceed the "
                f"crossbar's {arch.xb_rows} rows")


@irdl_op_definition
class RowConvOp(RowOp, ConvLike):
    """A convolution as row-group activations on crossbars."""

    name = "cim.row.conv"

    def verify_(self) -> None:
        ConvLike.verify_(self)
        self.verify_rows()
        self.verify_xbar()


@irdl_op_definition
class RowMatmulOp(RowOp, MatmulLike):
    """A matrix multiplication as row-group activations on crossbars."""

    name = "cim.row.matmul"

    def verify_(self) -> None:
        MatmulLike.verify_(self)
        self.verify_rows()
        self.verify_xbar()


CIM_ROW = Dialect("cim.row", [RowConvOp, RowMatmulOp], [RowGroupsAttr])
