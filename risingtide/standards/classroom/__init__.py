"""A teacher's classroom self-evaluation against the CQS: rate each prompt for all learners and
for G&T learners, alone or with a colleague who observed; see where challenge for G&T learners
lags; place each feature at a level; write next steps; share it with the coordinator.

A reflection is private to its teacher and the observing colleague. The school's coordinator
sees how many reflections were started, completed and shared (a count reveals no ratings), and
the ratings of shared ones only.

A package of its own within the standards app because the CQS is a teacher's own tool, with
its own pages and rules beside the school's self-evaluation: ``services`` (changes),
``queries`` (reads), ``forms``, ``views`` and ``urls``. Its models stay in the app's
models.py with the rest.
"""
