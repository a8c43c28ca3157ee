"""One lock for every call into the PDF libraries in a process.

Neither pdfplumber/pdfminer nor PDFium is thread-safe (pdfplumber: concurrent
use can crash the process; pypdfium2 docs, "Incompatibility with Threading":
not even across documents). The worker reads PDFs in its activity thread
pool and the API renders page images in worker threads, and the end-to-end
tests run both in one process: each holds this lock while it parses. A demo
run once failed a PDF with `SystemError: Objects/dictobject.c: bad argument
to internal function` while two PDFs were read at once; this is the cure."""

from __future__ import annotations

import threading

__all__ = ["PDF_LIBRARIES"]

PDF_LIBRARIES = threading.Lock()
