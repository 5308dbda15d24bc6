"""Subcommand groups of the `drift` CLI; each module exposes `register(subparsers)`."""
