// Regression test (bug fixed): #cim.mop.params prints dict keys bare even when they are not
// identifiers (format_plain in cim_mlir/dialects/plain.py quotes string values
// but not keys), so a key such as a split part's layer name "fc1/part0.0" or
// a PyTorch-exported node name "/conv1/Conv" does not parse back:
//   {fc1/part0.0 = ...}  ->  error: Expected '='
// Every flow whose schedule table names such a layer fails to round-trip, e.g.
// examples/mlp.onnx on paper-example in CM (fc1 is split into parts).
// Expected: keys are quoted when they are not bare identifiers.
// RUN: ROUNDTRIP
// RUN: cim-opt %examples/mlp.onnx --arch paper-example --computing-mode CM --cim-mlc 2>/dev/null | cim-opt | filecheck %s --check-prefix=FLOW

func.func @f() attributes {p = #cim.mop.params<{"fc1/part0.0" = {segment = 0}, "/conv1/Conv" = 1, ok = 2}>} {
  func.return
}
// CHECK: p = #cim.mop.params<{"fc1/part0.0" = {segment = 0}, "/conv1/Conv" = 1, ok = 2}>

// FLOW: "cim.mop.flow"
