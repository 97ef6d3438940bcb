"""The version of ticketcore."""

__all__ = ["__version__"]

__version__ = "0.1.0"
