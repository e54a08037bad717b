"""Who may do what (permissions) and how often (limits): the rules every domain that writes
checks. May use: models, common, accounts.
"""
