"""cim-opt: the cim-mlir modular optimizer driver (an xDSLOptMain).

Differences from xdsl-opt:

* ``.onnx`` inputs go through the ONNX frontend and get the target arch
  (``--arch NAME|FILE``, default named in ``--help``) as ``#cim.arch``;
* MLIR-style pass flags (``--cg-dup``, ``--cg-dup=solver=cpsat``) are
  translated into the ``-p`` pipeline *before* argparse sees them (an
  optional-value flag would otherwise swallow the input file), keeping their
  order relative to each other and to ``-p`` specs;
* ``--computing-mode`` drives the chip through a coarser interface;
* user errors print one located message and exit 1, never a traceback.
"""

from __future__ import annotations

import argparse
import re
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import IO

from xdsl.dialects.builtin import ModuleOp
from xdsl.passes import ModulePass, PassPipeline
from xdsl.utils.exceptions import (
    ArgSpecParseError,
    DiagnosticException,
    ParseError,
    VerifyException,
)
from xdsl.xdsl_opt_main import xDSLOptMain

from cim_mlir.arch import DEFAULT_ARCH, ArchError, ComputingMode, list_presets, load_arch
from cim_mlir.context import cim_dialects
from cim_mlir.diagnostics import CimError
from cim_mlir.tools.common import internal_error, one_line
from cim_mlir.passes.registry import available_passes, available_targets

# Options of cim-opt itself; never mistaken for pass flags.
_OWN_OPTIONS = {"arch", "computing-mode", "input-shape", "target", "output-file", "passes",
                "help", "version", "frontend"}
_OPTION_SEPARATOR = re.compile(r"[,\s]+(?=[A-Za-z_][\w-]*=)")


_PLAIN_VALUE = re.compile(r"[\w.+-]*|\".*\"")


def _quote_value(option: str) -> str:
    """``key=R->XBR,C->XBC`` -> ``key="R->XBR,C->XBC"``: xDSL's pipeline lexer
    only takes identifiers, numbers and quoted strings as option values."""
    key, eq, value = option.partition("=")
    if not eq or _PLAIN_VALUE.fullmatch(value):
        return option
    return f'{key}="{value}"'


def translate_argv(argv: Sequence[str], pass_names: set[str]) -> list[str]:
    """Fold pass flags and -p specs, in command-line order, into one -p pipeline."""
    pipeline: list[str] = []
    rest: list[str] = []
    i = 0
    while i < len(argv):
        arg = argv[i]
        if arg == "--":
            rest.extend(argv[i:])
            break
        if arg in ("-p", "--passes") and i + 1 < len(argv):
            pipeline.append(argv[i + 1])
            i += 2
            continue
        if arg.startswith("--passes="):
            pipeline.append(arg.split("=", 1)[1])
        elif arg.startswith("-p") and not arg.startswith("--") and len(arg) > 2:
            pipeline.append(arg[2:])
        elif arg.startswith("--") and (name := arg[2:].partition("=")[0]) in pass_names \
                and name not in _OWN_OPTIONS:
            _, eq, options = arg[2:].partition("=")
            options = _OPTION_SEPARATOR.sub(" ", options.strip().strip("{}").strip())
            options = " ".join(_quote_value(o) for o in options.split())
            pipeline.append(f"{name}{{{options}}}" if eq and options else name)
        else:
            rest.append(arg)
        i += 1
    pipeline = [p for p in pipeline if p.strip()]
    if pipeline:
        rest.extend(["-p", ",".join(pipeline)])
    return rest


def pass_summary(pass_cls: type[ModulePass]) -> str:
    doc = (pass_cls.__doc__ or "").strip()
    return doc.splitlines()[0] if doc else ""


class CimOptMain(xDSLOptMain):
    """xdsl-opt with the cim dialects, passes, targets and the ONNX frontend."""

    version_format = "cim-opt (cim-mlir) on xDSL {xdsl_version}"

    def __init__(self, args: Sequence[str] | None = None):
        argv = list(sys.argv[1:] if args is None else args)
        passes = available_passes()
        self._cim_passes = passes
        super().__init__(
            description="cim-opt: compile ONNX models and cim IR for computing-in-memory "
            "accelerators (CIM-MLC on xDSL).",
            args=translate_argv(argv, set(passes) | self._xdsl_pass_names()),
        )

    @staticmethod
    def _xdsl_pass_names() -> set[str]:
        from xdsl.universe import Universe

        return set(Universe.get_multiverse().all_passes)

    # ---- registration ----------------------------------------------------------
    def register_all_dialects(self) -> None:
        ours = cim_dialects()
        names = {d.name for d in ours}
        from xdsl.universe import Universe

        for name, factory in Universe.get_multiverse().all_dialects.items():
            if name not in names:
                self.ctx.register_dialect(name, factory)
        for dialect in ours:
            self.ctx.load_dialect(dialect)
        # builtin and func are used by every module we print; load them eagerly.
        for name in ("builtin", "func", "arith"):
            self.ctx.load_registered_dialect(name)

    def register_all_passes(self) -> None:
        super().register_all_passes()
        for name, factory in available_passes().items():
            self.available_passes[name] = factory

    def register_all_targets(self) -> None:
        super().register_all_targets()
        for name, factory in available_targets().items():
            self.available_targets[name] = factory

    def register_all_frontends(self) -> None:
        super().register_all_frontends()
        self.available_frontends["onnx"] = self._parse_onnx

    def register_all_arguments(self, arg_parser: argparse.ArgumentParser) -> None:
        super().register_all_arguments(arg_parser)
        arg_parser.formatter_class = argparse.RawDescriptionHelpFormatter
        arg_parser.add_argument(
            "--arch", metavar="NAME|FILE", default=None,
            help=f"target architecture: a preset ({', '.join(list_presets())}) or a "
            f"YAML/JSON arch file; ONNX inputs default to '{DEFAULT_ARCH}'; for .mlir "
            "inputs it replaces the module's #cim.arch")
        arg_parser.add_argument(
            "--computing-mode", choices=[m.name for m in ComputingMode], default=None,
            help="drive the chip through a coarser programming interface than its finest "
            "one (CM: cores, XBM: crossbars, WLM: rows); a finer one is an error")
        arg_parser.add_argument(
            "--input-shape", metavar="NAME=DxDx...", action="append", default=[],
            help="static shape for a model input with dynamic dims (repeatable)")
        lines = [f"default arch: {DEFAULT_ARCH} (for .onnx inputs without --arch)", "",
                 "cim passes (flags like --cg-dup or --cg-dup=solver=cpsat, or -p):"]
        for name, factory in self._cim_passes.items():
            lines.append(f"  --{name:<22} {pass_summary(factory())}")
        arg_parser.epilog = "\n".join(lines)

    def apply_passes(self, prog: ModuleOp) -> None:
        """The pipeline under a progress bar (on a terminal only), one step per pass;
        a verifier error says whether the input or which pass's output is invalid."""
        from tqdm import tqdm

        from cim_mlir.progress import shown

        pipeline = self.pipeline
        inner = pipeline.callback
        with shown(None), tqdm(total=len(pipeline.passes), desc="cim-opt", unit="pass",
                               leave=False, disable=None if pipeline.passes else True,
                               dynamic_ncols=True) as progress:
            def callback(previous: ModulePass | None, module: ModuleOp,
                         following: ModulePass | None) -> None:
                if inner is not None:
                    try:
                        inner(previous, module, following)
                    except VerifyException as e:
                        what = (f"the IR after pass '{previous.name}'" if previous else
                                f"input '{self.args.input_file or '<stdin>'}'")
                        raise CimError(f"{what} fails verification: {one_line(str(e))}") from e
                if previous is not None:
                    progress.update(1)
                if following is not None:
                    progress.set_postfix_str(following.name)

            PassPipeline(pipeline.passes, callback).apply(self.ctx, prog)

    # ---- input -----------------------------------------------------------------
    def _parse_onnx(self, stream: IO[bytes]) -> ModuleOp:
        from cim_mlir.frontend.onnx_importer import import_onnx, parse_input_shapes

        shapes = parse_input_shapes(self.args.input_shape)
        if self.args.input_file is None:
            import onnx

            try:
                source = onnx.load_from_string(stream.read())
            except Exception:
                raise CimError("stdin is not an ONNX model") from None
        else:
            source = Path(self.args.input_file)
        return import_onnx(source, input_shapes=shapes)

    def parse_chunk(self, chunk: IO[bytes], file_extension: str,
                    start_offset: int = 0) -> ModuleOp | None:
        module = super().parse_chunk(chunk, file_extension, start_offset)
        if module is not None:
            self._attach_arch(module, is_model=file_extension == "onnx")
        return module

    def _attach_arch(self, module: ModuleOp, *, is_model: bool) -> None:
        from cim_mlir.dialects.cim import get_arch, set_arch

        arch = None
        if self.args.arch is not None or is_model:
            arch = load_arch(self.args.arch)
        else:
            arch = get_arch(module)
        if arch is not None and self.args.computing_mode is not None:
            try:
                arch = arch.with_mode(ComputingMode[self.args.computing_mode])
            except ValueError as e:
                raise CimError(str(e), "--computing-mode") from None
        elif arch is None and self.args.computing_mode is not None:
            raise CimError("the module has no #cim.arch to restrict; give --arch",
                           "--computing-mode")
        if arch is not None:
            set_arch(module, arch)


def _fail(message: str) -> int:
    print(f"cim-opt: error: {message}", file=sys.stderr)
    return 1


def run(args: Sequence[str] | None = None) -> int:
    """Run cim-opt; returns the exit code."""
    try:
        main_obj = CimOptMain(args)
    except ArgSpecParseError as e:  # a BaseException in xDSL
        return _fail(" ".join(str(e).split()))
    except (ValueError, TypeError, CimError) as e:  # bad pipeline spec or pass options
        return _fail(f"invalid pass pipeline or options: {e}")
    try:
        main_obj.run()
    except (CimError, ArchError) as e:
        return _fail(str(e))
    except ParseError as e:
        return _fail(str(e))
    except DiagnosticException as e:
        return _fail(str(e))
    except FileNotFoundError as e:
        return _fail(f"cannot open '{e.filename}': {e.strerror}")
    except ValueError as e:  # e.g. unrecognised file extension
        return _fail(str(e))
    except Exception as e:  # noqa: BLE001 - last resort, see internal_error
        return internal_error("cim-opt", e)
    return 0


def main(args: Sequence[str] | None = None) -> None:
    sys.exit(run(args))


if __name__ == "__main__":
    main()

