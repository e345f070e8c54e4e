"""Import and export adapters: streaming, atomic, no Qt and no SQL."""
