"""Topic lists, topic pages, the composer, posts and answers.
"""
