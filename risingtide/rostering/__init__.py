"""OneRoster 1.2 CSV rostering in and out (issue 20): schools, teaching groups, staff and pupil
accounts and memberships from a bundle, previewed, confirmed and applied atomically."""
