from django.contrib.auth.hashers import Argon2PasswordHasher


class ClassroomArgon2PasswordHasher(Argon2PasswordHasher):
    """Argon2id at OWASP's recommended minimum (19 MiB, 2 passes, 1 lane).

    Django's default (100 MiB, 8 lanes) costs ~0.3 s and 100 MiB per sign-in on a 2-core
    server: a class of 30 signing in at once would need 3 GB, and printing a year group's cards
    would take minutes. See docs/decisions/0003.
    """

    algorithm = "argon2"  # same family: hashes made by either verify with either
    memory_cost = 19 * 1024
    parallelism = 1
    time_cost = 2
