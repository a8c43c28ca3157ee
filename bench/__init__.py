"""Benchmarks, each runnable as a script; a package so that one bench can
import another's helpers (bench.real_pdf_bench uses bench.extraction_bench)."""
