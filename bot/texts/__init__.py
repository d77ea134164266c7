"""All Russian user-facing copy, by topic; pure functions of plain values and domain objects."""
