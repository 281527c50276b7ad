"""Cyclops: read Natural Health Product labels, match them to their licence, flag what is wrong."""

__version__ = "0.1.0"
