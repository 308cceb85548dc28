"""The G&T register and pupil data (issue 5)."""
