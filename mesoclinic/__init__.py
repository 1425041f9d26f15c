"""Mesoclinic: software for skin clinics that deliver mesotherapy."""
