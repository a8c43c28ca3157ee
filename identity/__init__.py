"""Identity: who a caller is and what they may do (issue #16, DESIGN.md "Identity").

Pure rules — login normalisation (`names`), roles, scopes and permissions
(`roles`), credentials (`credentials`: Argon2id passwords, hashed API tokens)
and the principal types (`principal`). The database side is
activities.db.principals; the HTTP side is starter.api.auth.
"""
