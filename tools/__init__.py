"""Tools that live beside poflow in the source checkout and are not installed
with it (`pyproject.toml` lists the product's packages; `tools` is not one):

- `supplier_sim/`: plays the suppliers — renders poflow's models as the files
  suppliers send (X12, EDIFACT, UBL, Factur-X, PDF, e-mail), for the demo, the
  tests and the extraction benchmark;
- `demo.py`: the demo scenarios, run against a running stack over the HTTP API
  (`python -m tools.demo --api URL` from the checkout's root, which is what
  `poflow up` and `poflow demo` do); `demo_supplier.py` turns a scenario's
  documents into the suppliers' files.

They import the product (`models`, `settings`); the product never imports them.
"""
