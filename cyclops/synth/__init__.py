"""Synthetic label photos with exact ground truth.

Entry points: ``cyclops.synth.dataset.write_dataset`` / ``load_dataset`` (a folder in the
layout of ``cyclops/model/truth.py``), ``cyclops.synth.product.synthesize_product`` (one
product in memory) and the ``cyclops synth`` command. Flow: licence -> ``content`` (what is
printed, edited by ``violations``) -> ``faces`` (drawn on a ``canvas`` that records every
word box) -> ``photo``/``degrade`` (placed on a table and degraded, polygons moved with
the pixels) -> encoded bytes + ``ProductTruth``.

``SynthConfig.realism`` (``cyclops synth --realistic``; off by default, so seeds keep their bytes) adds
what inspectors' phone photos show: US Supplement Facts panels with blends (``facts``), stylised fronts
(``faces.stylised_front_face``), and ``scenes``: the package on a bottle, pouch or tub held in a hand or
standing on a shelf among other products, fingers and glare spots over the label. ``--size 12mp`` gives
4000x3000 photos.
"""
