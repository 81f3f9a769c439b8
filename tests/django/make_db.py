#!/usr/bin/python3
"""A real Django project with users in its database, made by Django itself (Debian's python3-django,
python3-argon2, python3-bcrypt), for tests/e2e/test_import_django.cpp.

    make_db.py KIND DIR PREFIX PHONE [DATABASE_URL]

KIND: "default" (django.contrib.auth's auth_user) or "custom" (an accounts.User with the email as
USERNAME_FIELD, as the seeds' projects have: optional names, phone_number, is_verified). The project
is made by `startproject` in DIR; its database is DIR/db.sqlite3 unless DATABASE_URL names a
PostgreSQL database (postgresql://…?host=/socket/dir). PREFIX makes the emails and usernames unique;
PHONE is a valid, unused E.164 number for one user. Prints a JSON object: the database's path or URL
and every user made, with its password and what the import must do with it.
"""
import json
import os
import subprocess
import sys
import urllib.parse

KIND, DIR, PREFIX, PHONE = sys.argv[1:5]
DATABASE_URL = sys.argv[5] if len(sys.argv) > 5 else ""

os.makedirs(DIR, exist_ok=True)
# In a process of its own: startproject configures empty settings in the process that runs it.
subprocess.run([sys.executable, "-m", "django", "startproject", "site1", DIR], check=True)
sys.path.insert(0, DIR)
settings_py = os.path.join(DIR, "site1", "settings.py")
extra = """
PASSWORD_HASHERS = [
    'django.contrib.auth.hashers.PBKDF2PasswordHasher',
    'django.contrib.auth.hashers.Argon2PasswordHasher',
    'django.contrib.auth.hashers.BCryptSHA256PasswordHasher',
    'django.contrib.auth.hashers.BCryptPasswordHasher',
    'django.contrib.auth.hashers.SHA1PasswordHasher',
]
"""
if DATABASE_URL:
    url = urllib.parse.urlparse(DATABASE_URL)
    query = urllib.parse.parse_qs(url.query)
    extra += "DATABASES = {'default': %r}\n" % {
        "ENGINE": "django.db.backends.postgresql",
        "NAME": url.path.lstrip("/"),
        "USER": url.username or query.get("user", [""])[0],
        "HOST": url.hostname or query.get("host", [""])[0],
        "PORT": url.port or "",
    }

if KIND == "custom":
    app = os.path.join(DIR, "accounts")
    os.makedirs(os.path.join(app, "migrations"), exist_ok=True)
    open(os.path.join(app, "__init__.py"), "w").close()
    open(os.path.join(app, "migrations", "__init__.py"), "w").close()
    with open(os.path.join(app, "models.py"), "w") as f:
        f.write('''
from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.db import models
from django.utils import timezone


class UserManager(BaseUserManager):
    def create_user(self, email, password=None, **extra_fields):
        if not email:
            raise ValueError("email is required")
        user = self.model(email=self.normalize_email(email), **extra_fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(self, email, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", True)
        extra_fields.setdefault("is_superuser", True)
        extra_fields.setdefault("is_verified", True)
        return self.create_user(email, password, **extra_fields)


class User(AbstractBaseUser, PermissionsMixin):
    email = models.EmailField(unique=True)
    first_name = models.CharField(max_length=150, blank=True)
    last_name = models.CharField(max_length=150, blank=True)
    phone_number = models.CharField(max_length=20, blank=True)
    is_active = models.BooleanField(default=True)
    is_staff = models.BooleanField(default=False)
    is_verified = models.BooleanField(default=False)
    date_joined = models.DateTimeField(default=timezone.now)

    objects = UserManager()

    USERNAME_FIELD = "email"
    REQUIRED_FIELDS = []
''')
    extra += "INSTALLED_APPS += ['accounts']\nAUTH_USER_MODEL = 'accounts.User'\n"

with open(settings_py, "a") as f:
    f.write(extra)

os.environ["DJANGO_SETTINGS_MODULE"] = "site1.settings"
import django  # noqa: E402

django.setup()
from django.core.management import call_command  # noqa: E402

if KIND == "custom":
    call_command("makemigrations", "accounts", verbosity=0)
call_command("migrate", verbosity=0)

from django.contrib.auth import get_user_model  # noqa: E402
from django.contrib.auth.hashers import make_password  # noqa: E402

User = get_user_model()
made = []


def email(tag):
    return "%s-%s@example.com" % (PREFIX, tag)


def create(address, password, expect, hasher=None, reason="", **fields):
    if KIND == "default":
        fields.setdefault("username", "%s-%s" % (PREFIX, len(made)))
        user = User.objects.create_user(email=address, password=password, **fields)
    else:
        user = User.objects.create_user(address, password, **fields)
    if hasher:  # a hash of another of Django's hashers, made by Django
        user.password = make_password(password, hasher=hasher)
        user.save()
    user.refresh_from_db()
    made.append({
        "id": user.pk,
        "email": user.email,
        "password": password,
        "hash": user.password,
        "expect": expect,
        "reason": reason,
        "is_staff": user.is_staff,
        "is_superuser": user.is_superuser,
        "date_joined": user.date_joined.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "first_name": user.first_name,
        "username": getattr(user, "username", None),
    })
    return user


create(email("pbkdf2"), "Django-Pbkdf2-pass 1", "imported", first_name="Paula", last_name="Bee")
create(email("argon2"), "Django-Argon2-pass ✓", "imported", hasher="argon2")
create(email("bcrypt"), "Django-Bcrypt-pass 3", "imported", hasher="bcrypt_sha256", is_staff=True, is_superuser=True)
create(email("unusable"), None, "imported", reason="no usable password")
create(email("sha1"), "Django-Sha1-pass 4", "imported", hasher="sha1", reason="must reset")
create(email("Mixed"), "Django-Mixed-pass 5", "imported")
create(email("mixed").upper().replace("@EXAMPLE.COM", "@example.com"), "Django-Dup-pass 6", "skipped", reason="duplicate")
create("not-an-email-" + PREFIX, "Django-Bad-pass 7", "skipped", reason="invalid email")
if KIND == "default":
    create("", "Django-Empty-pass 8", "skipped", reason="no email")
    create(email("inactive"), "Django-Inactive-pass 9", "imported", is_active=False)
else:
    create(email("phone"), "Django-Phone-pass 10", "imported", phone_number=PHONE, is_verified=True)
    create(email("badphone"), "Django-Badphone-pass 11", "imported", phone_number="12", is_verified=True,
           reason="phone left out")
    create(email("unverified"), "Django-Unverified-pass 12", "imported", is_verified=False)
    User.objects.filter(is_verified=False).exclude(email=email("unverified")).update(is_verified=True)
    for entry in made:
        entry["is_verified"] = User.objects.filter(pk=entry["id"]).values_list("is_verified", flat=True)[0]

print(json.dumps({
    "database": DATABASE_URL or os.path.join(DIR, "db.sqlite3"),
    "table": User._meta.db_table,
    "users": made,
}))
