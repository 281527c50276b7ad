"""One router per resource; each route only translates HTTP to a ``Services`` call."""
