"""Rising Tide as an LTI 1.3 Advantage tool (issue 20): launches from Moodle, Canvas or Google
Classroom, deep linking of TASC projects, grades back through AGS, groups filled through NRPS."""
