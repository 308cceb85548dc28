"""Two-factor sign-in for staff (issue 20): TOTP with recovery codes and passkeys, required by a
school, LA or the site for roles that reach pupil records, and asked again before sensitive acts."""
