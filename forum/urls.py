from django.urls import path

from .views import composing, lists, notifications, posts, studies, topic

app_name = "forum"

urlpatterns = [
    path("", lists.latest, name="latest"),
    path("categories/", lists.categories, name="categories"),
    path("c/<slug:slug>/", lists.category, name="category"),
    path("tag/<slug:name>/", lists.tag, name="tag"),
    path("new-topic/", composing.new_topic, name="new_topic"),
    path("preview/", composing.preview, name="preview"),
    path("t/<int:topic_id>/", topic.topic_short, name="topic_short"),
    path("t/<int:topic_id>/reply/", composing.reply, name="reply"),
    path("t/<int:topic_id>/posts/<int:post_number>/cooked/", topic.post_cooked, name="post_cooked"),
    path("notifications/", notifications.inbox, name="notifications"),
    path("notifications/read/", notifications.mark_all_read, name="notifications_read_all"),
    path("notifications/<int:notification_id>/open/", notifications.open_one, name="notification_open"),
    path("t/<slug:slug>/<int:topic_id>/", topic.topic_detail, name="topic"),
    path("t/<slug:slug>/<int:topic_id>/<int:post_number>/", topic.post_permalink, name="post_permalink"),
    path("t/<int:topic_id>/references.<str:fmt>", studies.topic_bibliography, name="topic_bibliography"),
    path("studies/", studies.index, name="studies"),
    path("studies/add/", studies.add, name="study_add"),
    path("studies/resolve/", studies.resolve, name="study_resolve"),
    path("studies/<int:study_id>/", studies.detail, name="study"),
    path("studies/<int:study_id>/edit/", studies.edit, name="study_edit"),
    path("studies/<int:study_id>/summary.json", studies.study_json, name="study_json"),
    path("studies/<int:study_id>/export.<str:fmt>", studies.export, name="study_export"),
    path("p/<int:post_id>/edit/", posts.edit, name="post_edit"),
    path("p/<int:post_id>/delete/", posts.delete, name="post_delete"),
    path("p/<int:post_id>/revisions/", posts.revisions, name="post_revisions"),
]
