"""ressol-analysis: reproducible territorial diagnostic of the social and solidarity economy."""

__version__ = "0.1.0"
