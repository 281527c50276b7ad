"""The label against its licence: ingredient names, amounts, how surely each was read, and the one
pairing of printed and licensed ingredients. Below match, the flags, the workbench and the report,
so the licence search, the flags and the pages judge an ingredient the same way, by the thresholds
of one ``ComparisonParams`` (``params``)."""
