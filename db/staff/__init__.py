"""Staff workflow tables: accepted catalogue versions and the alerts sent about them."""
