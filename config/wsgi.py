import gc
import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
application = get_wsgi_application()

# A web worker keeps what it loaded at start for its whole life, and a request's objects die with
# it: rendering a page makes tens of thousands and frees nearly all of them by reference counting.
# The cycle collector went through both anyway, every 700 new objects: 2.7% of a worker's CPU in
# the 1M-post load test, 1.1% with what was loaded set aside for good and a collection every 7,000
# (bench/RESULTS.md, issue 33's fifth pass). The few cycles a request leaves wait a little longer.
gc.freeze()
gc.set_threshold(7000, 20, 20)
