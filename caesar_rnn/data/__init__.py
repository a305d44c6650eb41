"""Data: text sources (corpus), pair generation (generate) and pairs as tensors (dataset)."""
