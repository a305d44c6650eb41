"""The command-line interface (app.py)."""
