"""Who may do what (permissions) and how often (limits): the rules every domain that writes
checks; and what a reader may see (visible), which every domain's pages fetch the same way.
May use: models, common, accounts.
"""
