"""Case use cases: applying (applications), handling (handling), deadlines, documents, mode-3 exchange."""
