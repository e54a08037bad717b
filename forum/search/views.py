"""The search page: posts (and a few studies) matching a web-search style query."""

from django.core.paginator import Paginator

from config.jinja_env import page_response
from forum.models.category import categories_all
from forum.search import search_posts, search_studies, with_snippets
from forum.search.form import SearchForm

RESULTS_PER_PAGE = 20
STUDIES_SHOWN = 5


def search(request):
    categories = categories_all()
    form = SearchForm(request.GET or None, categories=categories)
    context = {"form": form, "searched": False}
    if form.is_bound and form.is_valid() and form.cleaned_data["q"]:
        query = form.to_search()
        results = search_posts(query)
        page_obj = Paginator(results, RESULTS_PER_PAGE).get_page(request.GET.get("page"))
        page_obj.object_list = with_snippets(list(page_obj.object_list))
        context.update(
            searched=True,
            capped=results.capped,
            page_obj=page_obj,
            # Studies lead the first page only; later pages are for going further down the posts.
            studies=search_studies(query.expression, limit=STUDIES_SHOWN) if page_obj.number == 1 else [],
            nothing_to_search=query.expression.is_empty,
        )
    return page_response(request, "forum/search.html", context)
