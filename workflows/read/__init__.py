"""Reads for the pages (no Flask): a case, a family, the dashboard, claimability, subject access."""
