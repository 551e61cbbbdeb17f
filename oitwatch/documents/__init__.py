"""Text and structure from fetched resources: HTML, PDF, DOCX, XLSX and CSV. Pure functions of bytes."""

from oitwatch.documents.errors import UnreadableDocument
from oitwatch.documents.extract import document_kind, extract_document
from oitwatch.documents.model import Document, DocumentKind, Link

__all__ = [
    "Document",
    "DocumentKind",
    "Link",
    "UnreadableDocument",
    "document_kind",
    "extract_document",
]
