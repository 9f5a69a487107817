"""The umbrella ``cim`` dialect: attributes shared by every CIM level.

``#cim.arch<{...}>`` carries the hardware abstraction on the module, in the
same schema as the YAML arch files, so any intermediate IR is self-describing
and can be fed back to ``cim-opt``.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from xdsl.dialects.builtin import (
    AnyFloat,
    FloatAttr,
    IntegerAttr,
    IntegerType,
    ModuleOp,
    StringAttr,
    TensorType,
)
from xdsl.ir import Attribute, Data, Dialect, ParametrizedAttribute
from xdsl.irdl import irdl_attr_definition
from xdsl.parser import AttrParser
from xdsl.printer import Printer
from xdsl.utils.exceptions import VerifyException

from cim_mlir.arch import Arch, ArchError, arch_from_dict, arch_to_dict
from cim_mlir.dialects.plain import float_literal, parse_plain, print_plain

ARCH_ATTR_NAME = "cim.arch"
"""Key of the arch attribute on the top-level module."""


@irdl_attr_definition
class ArchAttr(Data[Arch]):
    """The target accelerator (§3.2 hardware abstraction) and its computing mode."""

    name = "cim.arch"

    @classmethod
    def parse_parameter(cls, parser: AttrParser) -> Arch:
        with parser.in_angle_brackets():
            pos = parser.pos
            raw = parse_plain(parser)
            if not isinstance(raw, dict):
                parser.raise_error("expected an arch mapping {name = ..., chip = {...}, ...}",
                                   pos, parser.pos)
            try:
                return arch_from_dict(raw)
            except ArchError as e:
                parser.raise_error(str(e), pos, parser.pos)

    def print_parameter(self, printer: Printer) -> None:
        with printer.in_angle_brackets():
            print_plain(printer, arch_to_dict(self.data))


def get_arch(module: ModuleOp) -> Arch | None:
    attr = module.attributes.get(ARCH_ATTR_NAME)
    return attr.data if isinstance(attr, ArchAttr) else None


def set_arch(module: ModuleOp, arch: Arch) -> None:
    module.attributes[ARCH_ATTR_NAME] = ArchAttr(arch)


def _parse_tensor_type(parser: AttrParser) -> TensorType:
    pos = parser.pos
    ttype = parser.parse_type()
    if not isinstance(ttype, TensorType):
        parser.raise_error("expected a ranked tensor type", pos, parser.pos)
    return ttype


def _shortest(value: float, elt: AnyFloat) -> float:
    """The shortest decimal that round-trips through the element type."""
    np_type = {16: np.float16, 32: np.float32}.get(elt.bitwidth, np.float64)
    return float(str(np_type(value)))


@irdl_attr_definition
class SplatAttr(ParametrizedAttribute):
    """A constant tensor whose elements all equal one value (O(1) in memory)."""

    name = "cim.splat"

    value: IntegerAttr | FloatAttr
    type: TensorType

    @staticmethod
    def from_value(value: float | int | bool, type: TensorType) -> SplatAttr:
        elt = type.element_type
        if isinstance(elt, AnyFloat):
            return SplatAttr(FloatAttr(_shortest(float(value), elt), elt), type)
        assert isinstance(elt, IntegerType)
        return SplatAttr(IntegerAttr(int(value), elt), type)

    def verify(self) -> None:
        if self.value.type != self.type.element_type:
            raise VerifyException(
                f"splat value type {self.value.type} does not match {self.type}")

    def to_array(self) -> np.ndarray:
        from cim_mlir.weights import numpy_dtype

        dtype = numpy_dtype(self.type.element_type)
        return np.full(self.type.get_shape(), self.value.value.data, dtype=dtype)

    @classmethod
    def parse_parameters(cls, parser: AttrParser) -> Sequence[Attribute]:
        with parser.in_angle_brackets():
            pos = parser.pos
            number = parser.parse_number()
            parser.parse_punctuation(":")
            ttype = _parse_tensor_type(parser)
            elt = ttype.element_type
            if isinstance(elt, AnyFloat):
                return (FloatAttr(_shortest(float(number), elt), elt), ttype)
            if isinstance(elt, IntegerType) and isinstance(number, int):
                return (IntegerAttr(number, elt), ttype)
            parser.raise_error(f"{number} is not a valid {elt} value", pos, parser.pos)

    def print_parameters(self, printer: Printer) -> None:
        with printer.in_angle_brackets():
            value = self.value.value.data
            if isinstance(self.value, FloatAttr):
                assert isinstance(self.value.type, AnyFloat)
                value = _shortest(value, self.value.type)
            printer.print_string(float_literal(value) if isinstance(value, float) else str(value))
            printer.print_string(" : ")
            printer.print_attribute(self.type)


@irdl_attr_definition
class BlobAttr(ParametrizedAttribute):
    """A large constant tensor kept in the content-addressed weight store."""

    name = "cim.blob"

    key: StringAttr
    type: TensorType

    @staticmethod
    def from_key(key: str, type: TensorType) -> BlobAttr:
        return BlobAttr(StringAttr(key), type)

    @classmethod
    def parse_parameters(cls, parser: AttrParser) -> Sequence[Attribute]:
        with parser.in_angle_brackets():
            key = parser.parse_str_literal("expected the blob key")
            parser.parse_punctuation(":")
            return (StringAttr(key), _parse_tensor_type(parser))

    def print_parameters(self, printer: Printer) -> None:
        with printer.in_angle_brackets():
            printer.print_string_literal(self.key.data)
            printer.print_string(" : ")
            printer.print_attribute(self.type)


CIM = Dialect("cim", [], [ArchAttr, SplatAttr, BlobAttr])
