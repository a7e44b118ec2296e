"""Tongban (通办): an integrated online government-service platform."""
