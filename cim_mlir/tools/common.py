"""What every cim-mlir command-line tool shares: how errors reach the user.

User errors (a bad model, arch, flow, option or file) print one line,
``<tool>: error: <cause>``, and exit 1; a bug prints one line too and exits
2, with the traceback only when CIM_MLIR_TRACEBACK is set.
"""

from __future__ import annotations

import argparse
import os
import sys
import traceback
from collections.abc import Callable, Sequence
from typing import NoReturn


def one_line(text: str) -> str:
    """A multi-line message (xDSL parse errors: location, source, caret, cause) in one
    line: the location and the cause."""
    lines = [line.strip() for line in text.splitlines() if line.strip() and
             set(line.strip()) != {"^"}]
    if not lines:
        return "unknown error"
    if len(lines) >= 3 and ":" in lines[0]:  # file:line:col, source line, message
        return f"{lines[0]}: {lines[-1]}"
    return " ".join(lines[:3])


def internal_error(tool: str, error: BaseException) -> int:
    """A bug, not a user error: one line, the traceback only on request."""
    if os.environ.get("CIM_MLIR_TRACEBACK"):
        traceback.print_exc()
    print(f"{tool}: internal error: {type(error).__name__}: {error} (this is a bug in "
          "cim-mlir; rerun with CIM_MLIR_TRACEBACK=1 for the traceback)", file=sys.stderr)
    return 2


class UsageError(Exception):
    """A bad command line (argparse's own errors exit 2 with a usage dump)."""


class ArgParser(argparse.ArgumentParser):
    """An argparse parser whose errors are ours: one line and exit 1, like every
    other user error."""

    def error(self, message: str) -> NoReturn:
        raise UsageError(message)


def parse_and_run(tool: str, parser: argparse.ArgumentParser,
                  body: Callable[[argparse.Namespace], int],
                  argv: Sequence[str] | None = None) -> int:
    """Parse the command line and run the tool's body under :func:`guarded`."""
    try:
        args = parser.parse_args(argv)
    except UsageError as e:
        print(f"{tool}: error: {e}", file=sys.stderr)
        return 1
    except SystemExit as e:  # --help
        return int(e.code or 0)
    return guarded(tool, lambda: body(args))


def guarded(tool: str, body: Callable[[], int]) -> int:
    """Run a tool's body, turning every exception into the tool's exit code."""
    from xdsl.utils.exceptions import DiagnosticException, ParseError

    from cim_mlir.arch import ArchError
    from cim_mlir.diagnostics import CimError

    try:
        return body()
    except BrokenPipeError:  # piped into head: not an error
        _silence_stdout()
        return 0
    except (CimError, ArchError, ParseError, DiagnosticException, ValueError, OSError) as e:
        print(f"{tool}: error: {one_line(str(e))}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print(f"{tool}: interrupted", file=sys.stderr)
        return 130
    except Exception as e:  # noqa: BLE001 - last resort, see internal_error
        return internal_error(tool, e)


def _silence_stdout() -> None:
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):
        pass
