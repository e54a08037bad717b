import pytest


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    # Forum tests create many users and never test password strength; the real hasher is
    # deliberately slow and would dominate the suite's run time.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
