"""Fast settings for the test suite: MD5 hasher, plain static storage, a throwaway instance folder."""

import os
import tempfile

# Never the demo's instance folder (the Makefile exports SHUANGBAI_HOME=./var for the app): tests write photos,
# keys and static files into a folder of their own.
os.environ["SHUANGBAI_HOME"] = tempfile.mkdtemp(prefix="shuangbai-test-")

from shuangbai.settings import *  # noqa: E402,F403
from shuangbai.settings import HOME  # noqa: E402

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
ALLOWED_HOSTS = ["*"]
(HOME / "static").mkdir(exist_ok=True)
