"""Site-wide pages that belong to no one domain: error pages and notices.
"""
