"""Classical solvers: n-gram tables and the chi-squared and quadgram crackers."""
