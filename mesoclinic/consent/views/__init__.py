"""The consent pages: a patient's consent (``patient``) and the templates patients sign
(``templates``, managers publish them)."""
