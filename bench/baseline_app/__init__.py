"""The baseline of the submit benchmark: a bare Django view that validates a form and inserts
one row, served by the same site, middleware and database as the consultation flow."""
