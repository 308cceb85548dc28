from django.apps import AppConfig


class FeedbackConfig(AppConfig):
    name = "risingtide.feedback"
    label = "feedback"
