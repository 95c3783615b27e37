"""The JSON API under /api/v1/: personal access tokens, the OpenAPI document and its reference page, and
the operations each domain offers, all calling the same services as the pages."""
