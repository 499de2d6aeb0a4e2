//! Anki package writer (placeholder for the writer module).
