"""Plays the suppliers: renders acknowledgments, ship notices and invoices the
way real suppliers send them (X12, EDIFACT, UBL, Factur-X, PDF in several
layouts, e-mail), from poflow's own models.

Used by the demo (so that documents arrive through intake exactly as they would
from outside), and by the tests and the extraction benchmark, which read the
rendered files back and compare them with the models they came from (the
ground truth). Not used by the product at run time, and not installed with it
(it lives in the source checkout's tools/). What suppliers print in each
language is data, in labels/*.json; the modules keep the layouts.
"""
