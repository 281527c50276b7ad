"""Text as OCR reads it and licences spell it: folding, term search, name similarity, language and
readability, in one place below every layer (it imports only the standard library and third-party
packages), so matching, extraction, flags, evaluation and the workbench compare text the same way."""
