"""User-facing errors: one located message and exit code 1, never a traceback."""

from __future__ import annotations

from xdsl.utils.exceptions import DiagnosticException


class CimError(DiagnosticException):
    """An error caused by the user's input (model, arch, IR, options).

    Tools print ``str(error)`` and exit 1.  ``where`` names what the message
    is about (a node, a layer, an op, a field) so the user can find it.
    A DiagnosticException, so ``--verify-diagnostics`` prints it like a
    verifier error (and FileCheck tests can pin the message).
    """

    def __init__(self, message: str, where: str | None = None):
        self.where = where
        super().__init__(f"{where}: {message}" if where else message)


class FrontendError(CimError):
    """A model the ONNX frontend cannot import."""


class PassError(CimError):
    """A pass that cannot run on this module or arch."""


class WeightStoreError(CimError):
    """A weight blob referenced by the IR is not in the store."""
