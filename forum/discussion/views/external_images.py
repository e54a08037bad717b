"""Another site's picture, shown only when a reader asks for it ("Image from host - show").

Every other page's CSP allows images from this site alone (config/settings.py), so a post can
never make a reader's browser call another host. This page is the one exception: it shows the
one picture the reader chose, with an img-src that allows https: for this response only and no
referrer, and says plainly where the picture comes from. Shown inside this page, the picture is
a third-party request: the other host gets the reader's address, but not the page they came
from, and not the cookies a top-level visit to it would send.
"""

from django.shortcuts import render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET

from config.security import policy_header
from forum.markup.external_images import image_host
from forum.markup.url_policy import url_allowed

MAX_ADDRESS = 2000


@require_GET
def show(request):
    src = request.GET.get("src", "").strip()
    alt = request.GET.get("alt", "").strip()[:300]
    lowered = src.lower()
    if len(src) > MAX_ADDRESS or not url_allowed(src) or not lowered.startswith(("http://", "https://", "//")):
        response = render(request, "forum/discussion/external_image.html", {"refused": True}, status=400)
    else:
        # Loaded over https whatever was typed, as production's upgrade-insecure-requests would.
        shown = ("https://" + src[len("http://"):] if lowered.startswith("http://")
                 else "https:" + src if src.startswith("//") else src)
        back = request.headers.get("Referer", "")
        if not url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()},
                                               require_https=request.is_secure()):
            back = ""
        response = render(request, "forum/discussion/external_image.html", {
            "src": src, "shown": shown, "alt": alt, "host": image_host(src), "back": back})
    response["Content-Security-Policy"] = policy_header(**{"img-src": ["'self'", "https:"]})
    response["Referrer-Policy"] = "no-referrer"
    response["X-Robots-Tag"] = "noindex"
    return response
