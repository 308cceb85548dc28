"""Open Badges 3.0 for TASC (issue 20): a teacher awards a badge, the pupil sees it on their record
and may download it as a signed verifiable credential."""
