"""SCORM packages as training modules: checked and unpacked (``packages``, ``manifest``),
played from a separate origin through a vendored runtime (``player``, ``middleware``), and the
CMI data each learner's play reports, kept and given back on the next launch (``cmi``).
Decision 16 says why the player is built this way."""
