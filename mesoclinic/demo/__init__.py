"""The demo clinic: ``mesoclinic demo`` and ``mesoclinic demo_code``, for development machines."""
