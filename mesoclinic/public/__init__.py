"""The public side: the clinic's home, "Is this right for you?" and the patient information.

Nothing here needs a sign-in, and nothing a visitor types is stored: the self-assessment travels
as a signed token (``answers``) until the person sends an enquiry.
"""
