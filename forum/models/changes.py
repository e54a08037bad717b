"""What the model layer says when a queryset changes rows in bulk.

Django's post_save and post_delete cover rows saved one by one; `update()` and `bulk_create()`
send nothing. The querysets that services change in bulk send `rows_changed` instead, and
forum/live/change_events.py (connected in ForumConfig.ready) turns it into renewed caches and live
pages. The models announce and do not know who listens, so they import nothing above them.
"""

from django.dispatch import Signal

# sender: the model class; fields: the names update() set (empty for bulk_create);
# topic_ids: the topics whose pages show the changed rows (posts, topics);
# recipient_ids: the members whose counts they change (notifications);
# created: the rows are new ones (bulk_create), which add to counts and take nothing away.
rows_changed = Signal()
