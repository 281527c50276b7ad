"""Text normalisation before extraction: OCR-confusion repair (codes, numbers, units) and spelling."""
