"""Management commands of the catalogue module."""
