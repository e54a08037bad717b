"""Topic lists: latest, per category, per tag."""

from django.conf import settings
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, render

from forum.models import Category, Tag, Topic


def _topic_page(request, queryset):
    paginator = Paginator(queryset.for_list(), settings.FORUM_TOPICS_PER_PAGE)
    return paginator.get_page(request.GET.get("page"))


def latest(request):
    topics = Topic.objects.visible_to(request.user)
    return render(request, "forum/topic_list.html", {
        "page_obj": _topic_page(request, topics),
        "heading": "Latest topics",
        "categories": Category.objects.all(),
    })


def category(request, slug: str):
    cat = get_object_or_404(Category, slug=slug)
    topics = Topic.objects.visible_to(request.user).filter(category=cat)
    return render(request, "forum/topic_list.html", {
        "page_obj": _topic_page(request, topics),
        "heading": cat.name,
        "category": cat,
        "categories": Category.objects.all(),
    })


def tag(request, name: str):
    tag_obj = get_object_or_404(Tag, name=name)
    topics = Topic.objects.visible_to(request.user).filter(tags=tag_obj)
    return render(request, "forum/topic_list.html", {
        "page_obj": _topic_page(request, topics),
        "heading": f"Tagged “{tag_obj.name}”",
        "tag": tag_obj,
        "categories": Category.objects.all(),
    })


def categories(request):
    return render(request, "forum/categories.html", {"categories": Category.objects.all()})
