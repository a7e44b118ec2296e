"""Services of the logistics module, one file per use-case area."""
