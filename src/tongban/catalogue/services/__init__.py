"""Catalogue use cases, one file per area: guides, lifecycle, life events, queries, importing."""
