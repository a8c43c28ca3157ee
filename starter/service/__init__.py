"""PoflowService, by resource (starter.operations assembles it and says what the doors need).

core.py             ServiceCore: the client, the engine, health; the Temporal and
                    database plumbing every operation (and starter.intake_door) uses
purchase_orders.py  start a PO, its live state, the PO list, cancel, manual invoice holds
documents.py        acknowledgments, receipts, returns, invoices and credit memos for a PO
tasks.py            the inbox's tasks and their decisions
checks.py           pure helpers: checks at the door, and the words of its errors
naming.py           workflow ids, PO labels, the summary shown in the Temporal UI
"""
