"""Accuracy and speed of the pipeline against ground truth (synthetic or real photos)."""
