"""The single sign-on pages: managing a connection (``manage``) and signing in (``signin``)."""
