"""The cluster project registry's persistence: projects, their versions, moderation log,
cooperation requests, blocks, customer-request alerts and the staff topic it posts to."""
