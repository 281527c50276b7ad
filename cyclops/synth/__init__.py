"""Synthetic label photos with exact ground truth."""
