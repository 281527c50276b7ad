"""Synthetic label photos with exact ground truth.

Entry points: ``cyclops.synth.dataset.write_dataset`` / ``load_dataset`` (a folder in the
layout of ``cyclops/model/truth.py``), ``cyclops.synth.product.synthesize_product`` (one
product in memory) and the ``cyclops synth`` command. Flow: licence -> ``content`` (what is
printed, edited by ``violations``) -> ``faces`` (drawn on a ``canvas`` that records every
word box) -> ``photo``/``degrade`` (placed on a table and degraded, polygons moved with
the pixels) -> encoded bytes + ``ProductTruth``.
"""
