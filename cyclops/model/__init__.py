"""The shared data model: OCR tree, analysis contract, ground truth."""
