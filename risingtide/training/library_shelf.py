"""Training modules LAs share, as a shelf on the library page (``library.events.shelves``):
the library is where people look for what others share; the modules keep their own page
(``training:shared``) because copying one makes a module of a programme, not a resource."""

from django.urls import reverse

from risingtide.access.core import can
from risingtide.library.events import Shelf, shelves
from risingtide.training import sharing


@shelves.connect
def shared_training_modules(user) -> list[Shelf]:
    if not can(user, "training.write"):
        return []
    return [
        Shelf(
            "Training modules LAs share",
            "Leading-teacher training modules other LAs wrote and share: copy one into a "
            "programme you write, with where it came from kept.",
            reverse("training:shared"),
            sharing.shared_modules(user).count(),
        )
    ]
