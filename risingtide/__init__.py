"""Rising Tide: personalised education for gifted and talented pupils."""

__version__ = "0.1.0"
