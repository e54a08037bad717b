"""Study references: identifiers, metadata look-ups, imports, exports and classification.

Pure Python on purpose: nothing here touches the database, so models, markup and tasks can
call these functions and the tests run without Django's ORM. Network access goes through
`forum.references.http.ReferencesClient` only.
"""
