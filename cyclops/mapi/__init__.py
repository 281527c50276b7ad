"""mapi: the compute API (FastAPI). Importing this package imports no web framework; see ``app.create_app``."""
