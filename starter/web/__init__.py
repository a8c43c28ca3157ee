"""The web app's pages, served by the API with no JavaScript build step:
the PO list and PO page, and one page per task with its evidence (the inbox
itself is starter/api/inbox.html). Pages are Jinja templates rendered on the
server from the same service the API uses; decisions go through the API."""
