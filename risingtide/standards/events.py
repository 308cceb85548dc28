"""What the quality standards ask of the apps above them, without importing them (lib.hooks)."""

from risingtide.lib.hooks import Hook

credits_spent = Hook(
    "standards.credits_spent",
    "Given a list of improvement-plan action ids, return {action id: e-credits spent on it} "
    "(bookings linked to the action, less refunds); the bookings live in provision.",
)
