"""Evaluation: held-out messages by length, side-by-side accuracy, reports and plots."""
