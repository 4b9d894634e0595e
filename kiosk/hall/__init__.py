"""The hall's web front-end: counter page, display board, event stream, client API (starlette)."""
