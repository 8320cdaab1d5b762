"""Compares two raw f32 logits files (or a raw file and a .npy reference):
prints the max relative error max|a-b|/max|b| and fails above --tol."""
import sys
import numpy as np

a_path, b_path, tol = sys.argv[1], sys.argv[2], float(sys.argv[3])
a = np.fromfile(a_path, dtype=np.float32)
b = np.load(b_path).ravel() if b_path.endswith(".npy") else np.fromfile(b_path, dtype=np.float32)
if a.size != b.size:
    print(f"size mismatch: {a.size} vs {b.size}")
    sys.exit(1)
err = float(np.abs(a - b).max() / max(np.abs(b).max(), 1e-30))
print(f"max rel error {err:.3e}")
sys.exit(0 if err <= tol else 1)
