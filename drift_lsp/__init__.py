"""Drift LSP: learns a codebase's conventions and flags code that drifts from them."""

__version__ = "0.1.0"
