"""Treatment plans over HTTP: the preview endpoint of the planning contract."""
