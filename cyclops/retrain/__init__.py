"""The retraining loop: analysts' corrections -> dataset -> model -> gated promotion.

The notebooks in ``retrain/`` are thin; they call these modules, in order:
``dataset`` (01), ``train`` (02), ``promote`` (03). ``runner`` executes them with
papermill for ``cyclops retrain``.
"""
