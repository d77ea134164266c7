"""Persistence of the ФНС SME registry and the annual sets: bulk import with an atomic swap, lookup."""
