"""Pure-Python domain: documents, spans, claims, sentiment, schema, offsets, edit commands."""
