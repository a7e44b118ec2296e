"""``tongban catalogue …`` and ``tongban agency-credential …``."""
