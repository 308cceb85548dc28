"""The two-factor pages: the step at sign-in and set-up (``signin``), the fresh check before
sensitive acts and one's own devices (``account``), passkey ceremonies (``passkeys``), and the
requirement and resets for heads, LA leads and the site administrator (``places``)."""
