"""The field classifier as analyses use it: which model is served (registry alias or packaged) and its version.

Below the pipeline, so the pipeline and mapi load the served model without importing retraining.
"""
