"""Keeping the SCORM player's origin and the platform's apart: on the player's host only the
player (and the static files its page loads) answers, so a package's script finds no sign-in
page, no API and no session there; on the platform's hosts the player does not answer, so a
package is never served from the platform's own origin. Without a player origin configured,
the player answers nowhere."""

from django.http import HttpResponseNotFound

from risingtide.training.scorm import player


class PlayerOriginMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        from django.conf import settings

        is_player_path = request.path.startswith(player.PREFIX)
        if player.on_player(request):
            if not (is_player_path or request.path.startswith(settings.STATIC_URL)):
                return HttpResponseNotFound(b"Not found", content_type="text/plain")
        elif is_player_path:
            return HttpResponseNotFound(b"Not found", content_type="text/plain")
        return self.get_response(request)
