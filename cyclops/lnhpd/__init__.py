"""The Licensed Natural Health Products Database: records, import, lookups, synthetic sample."""
