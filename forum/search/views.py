"""The search page: posts (and a few studies) matching a web-search style query."""

from django.core.paginator import Paginator
from django.template.loader import get_template
from markupsafe import Markup

from config.jinja_env import page_response, render
from forum.models.category import categories_all
from forum.search import search_posts, search_studies, with_snippets
from forum.search.form import SearchForm
from forum.search.shown import shown_html

RESULTS_PER_PAGE = 20
STUDIES_SHOWN = 5


def _drawn(template_name: str, context: dict) -> str:
    return render(get_template(template_name, using="jinja2"), context)


def search(request):
    categories = categories_all()
    form = SearchForm(request.GET or None, categories=categories)
    context = {"form": form, "searched": False}
    if form.is_bound and form.is_valid() and form.cleaned_data["q"]:
        query = form.to_search()
        expression = query.expression
        results = search_posts(query)
        # Pages of (post id, rank): the posts themselves are read only when their page is drawn.
        page_obj = Paginator(results.ranked(), RESULTS_PER_PAGE).get_page(request.GET.get("page"))
        wanted = list(page_obj.object_list)
        hits_html = shown_html(
            ("hits", repr(expression), tuple(pk for pk, _rank in wanted)),
            lambda: _hits_html(results.posts_for(wanted)),
        ) if wanted else ""
        studies_html = ""
        # Studies lead the first page only; later pages are for going further down the posts.
        if page_obj.number == 1 and not expression.is_empty:
            studies_html = shown_html(("studies", repr(expression), STUDIES_SHOWN), lambda: _studies_html(expression))
        context.update(
            searched=True,
            capped=results.capped,
            page_obj=page_obj,
            hits_html=Markup(hits_html),
            studies_html=Markup(studies_html),
            nothing_to_search=expression.is_empty,
        )
    return page_response(request, "forum/search.html", context)


def _hits_html(posts: list) -> str:
    # Posts hidden or deleted since the candidates were found are left out; none left, no list.
    return _drawn("forum/_search_hits.html", {"posts": with_snippets(posts)}) if posts else ""


def _studies_html(expression) -> str:
    studies = search_studies(expression, limit=STUDIES_SHOWN)
    return _drawn("forum/_search_studies.html", {"studies": studies}) if studies else ""
