"""The step logic of PurchaseOrderWorkflow, one mixin per lifecycle stage
(start, documents, invoices, deadlines, closing, people's decisions) over
the shared state and helpers in base.py. The workflow class in
workflows/purchase_order.py inherits them and keeps the handlers and the run
loop; these modules carry no @workflow decorators."""
