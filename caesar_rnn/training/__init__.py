"""Training: the trainer, its resumable state, data-parallel runs under torchrun."""
