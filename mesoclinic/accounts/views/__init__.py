"""The accounts pages: signing in and out, the second factor, API tokens, staff management."""
