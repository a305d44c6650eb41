"""Networks: the torch model, its NumPy forward pass (no torch needed), truncated BPTT."""
