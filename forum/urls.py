from django.urls import path
from django.views.decorators.cache import cache_control

from .feeds import CategoryTopicsFeed, LatestTopicsFeed, LatestTopicsRssFeed, TopicPostsFeed
from forum.discussion.views import answers, composing, drafts, external_images, lists, posts, topic
from forum.evidence.views import summary as evidence_summary, studies, study_history, study_search
from forum.following.views import following, notifications
from forum.live import views as live
from forum.moderation import views as moderation
from forum.search import views as search
from forum.uploads import views as uploads

app_name = "forum"

# Feeds show only what anyone may read, so shared caches may keep them for a while.
public_feed = cache_control(public=True, max_age=300)

urlpatterns = [
    path("", lists.latest, name="latest"),
    path("categories/", lists.categories, name="categories"),
    path("search/", search.search, name="search"),
    path("live/", live.changes, name="live"),
    path("c/<slug:slug>/", lists.category, name="category"),
    path("tag/<slug:name>/", lists.tag, name="tag"),
    path("latest.atom", public_feed(LatestTopicsFeed()), name="latest_feed"),
    path("latest.rss", public_feed(LatestTopicsRssFeed()), name="latest_rss"),
    path("c/<slug:slug>/feed.atom", public_feed(CategoryTopicsFeed()), name="category_feed"),
    path("t/<slug:slug>/<int:topic_id>/feed.atom", public_feed(TopicPostsFeed()), name="topic_feed"),
    path("new-topic/", composing.new_topic, name="new_topic"),
    path("preview/", composing.preview, name="preview"),
    path("uploads/", uploads.create, name="upload_create"),
    path("uploads/<str:name>", uploads.serve, name="upload"),
    path("external-image/", external_images.show, name="external_image"),
    path("t/<int:topic_id>/", topic.topic_short, name="topic_short"),
    path("t/<int:topic_id>/reply/", composing.reply, name="reply"),
    path("t/<int:topic_id>/posts/<int:post_number>/cooked/", topic.post_cooked, name="post_cooked"),
    path("notifications/", notifications.inbox, name="notifications"),
    path("notifications/settings/", following.preferences, name="notification_preferences"),
    path("notifications/unsubscribe/<str:token>/", following.unsubscribe_view, name="unsubscribe"),
    path("t/<int:topic_id>/watch/", following.topic_level, name="topic_level"),
    path("c/<slug:slug>/watch/", following.category_level, name="category_level"),
    path("drafts/<str:key>/", drafts.draft, name="draft"),
    path("notifications/menu/", notifications.menu, name="notification_menu"),
    path("notifications/read/", notifications.mark_all_read, name="notifications_read_all"),
    path("notifications/<int:notification_id>/open/", notifications.open_one, name="notification_open"),
    path("t/<slug:slug>/<int:topic_id>/", topic.topic_detail, name="topic"),
    path("t/<slug:slug>/<int:topic_id>/evidence-summary/", evidence_summary.edit, name="evidence_summary_edit"),
    path("t/<slug:slug>/<int:topic_id>/evidence-summary/history/", evidence_summary.history,
         name="evidence_summary_history"),
    path("t/<slug:slug>/<int:topic_id>/<int:post_number>/", topic.post_permalink, name="post_permalink"),
    path("t/<int:topic_id>/references.<str:fmt>", studies.topic_bibliography, name="topic_bibliography"),
    path("studies/", studies.index, name="studies"),
    path("studies/add/", studies.add, name="study_add"),
    path("studies/resolve/", studies.resolve, name="study_resolve"),
    path("studies/find/", study_search.find, name="study_find"),
    path("studies/<int:study_id>/", studies.detail, name="study"),
    path("studies/<int:study_id>/edit/", studies.edit, name="study_edit"),
    path("studies/<int:study_id>/history/", study_history.history, name="study_history"),
    path("studies/<int:study_id>/history/<int:revision_id>/restore/", study_history.restore, name="study_restore"),
    path("studies/<int:study_id>/suggest/", study_history.suggest, name="study_suggest"),
    path("review/studies/", study_history.suggestions, name="study_suggestions"),
    path("review/studies/<int:suggestion_id>/", study_history.suggestion_decide, name="study_suggestion_decide"),
    path("studies/<int:study_id>/summary.json", studies.study_json, name="study_json"),
    path("studies/<int:study_id>/export.<str:fmt>", studies.export, name="study_export"),
    path("t/<int:topic_id>/moderate/", moderation.topic_action, name="topic_moderate"),
    path("p/<int:post_id>/moderate/", moderation.post_action, name="post_moderate"),
    path("p/<int:post_id>/accept/", answers.accept, name="post_accept"),
    path("p/<int:post_id>/vote/", answers.vote, name="post_vote"),
    path("p/<int:post_id>/flag/", moderation.flag, name="post_flag"),
    path("review/", moderation.review_queue, name="review_queue"),
    path("review/posts/<int:post_id>/", moderation.review_post, name="review_post"),
    path("review/log/", moderation.audit_log, name="audit_log"),
    path("review/credentials/", moderation.credential_queue, name="credential_queue"),
    path("review/credentials/<int:request_id>/", moderation.credential_decide, name="credential_decide"),
    path("members/<str:username>/suspend/", moderation.suspend, name="suspend"),
    path("members/<str:username>/notes/", moderation.staff_note, name="staff_note"),
    path("members/<str:username>/unsuspend/", moderation.unsuspend, name="unsuspend"),
    path("credential/", moderation.credential_request, name="credential_request"),
    path("p/<int:post_id>/edit/", posts.edit, name="post_edit"),
    path("p/<int:post_id>/delete/", posts.delete, name="post_delete"),
    path("p/<int:post_id>/revisions/", posts.revisions, name="post_revisions"),
]
