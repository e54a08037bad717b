"""Discussion: posting, editing, deleting, quoting (posts and abstracts), rendering a post,
drafts, submissions, answers, permissions and limits, forms, and the topic, list and composer
views.

May use: evidence (rendering resolves citations), following, uploads, and everything below.
"""
