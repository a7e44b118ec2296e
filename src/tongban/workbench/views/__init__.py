"""Staff workbench views, one module per role: agency admin, review queues, request pages, supervision."""
