"""The landing page, the health check and helpers shared by the Django apps."""
