"""Decoding: model backends, the key and argmax decodes, bulk and whole-text paths."""
