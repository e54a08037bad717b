from .category import Category
from .post import Post
from .revision import PostRevision
from .tag import Tag
from .topic import Topic, TopicState

__all__ = ["Category", "Post", "PostRevision", "Tag", "Topic", "TopicState"]
