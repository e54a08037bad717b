"""`?page=` parsing and the envelope every list shares:
`{"results": [...], "count": n, "page": n, "pages": m, "next": url|null, "previous": url|null}`."""

from .responses import not_found


def requested_page(request, *, pages: int) -> int:
    """The page asked for; anything that is not a page of this list is a 404, as on the HTML pages."""
    raw = request.GET.get("page", "1")
    # Length first: int() of a few thousand digits is refused by Python itself (a ValueError).
    if len(raw) > 12 or not raw.isascii() or not raw.isdigit() or not 1 <= int(raw) <= pages:
        raise not_found(f"There is no page {raw[:20]!r} here: pages run from 1 to {pages}.")
    return int(raw)


def page_url(request, page: int | None) -> str | None:
    if page is None:
        return None
    query = request.GET.copy()
    query["page"] = str(page)
    return request.build_absolute_uri(f"{request.path}?{query.urlencode()}")


def envelope(request, results: list, *, count: int, page: int, pages: int, **extra) -> dict:
    return {
        **extra,
        "results": results,
        "count": count,
        "page": page,
        "pages": pages,
        "next": page_url(request, page + 1 if page < pages else None),
        "previous": page_url(request, page - 1 if page > 1 else None),
    }
