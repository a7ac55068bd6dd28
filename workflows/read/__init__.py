"""Reads for the pages and the API (no Flask): a case, a family, the dashboard, claimability, claim windows,
people and teams, the deployed definitions, subject access."""
