"""The diary's pages: the day and week (``diary``), booking and an appointment's own page
(``booking``), the managers' schedule setup (``manage``)."""
