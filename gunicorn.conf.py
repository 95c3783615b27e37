"""gunicorn settings for trainer (`gunicorn -c gunicorn.conf.py wsgi:app`; `make run` uses it).

gunicorn believes X-Forwarded-Proto (and its variants) from any client at 127.0.0.1 by default, so a
plain-HTTP request carrying that header would be treated as HTTPS (HSTS, a Secure cookie). trainer
decides itself which proxies to believe (TRAINER_TRUSTED_PROXIES, applied by werkzeug's ProxyFix):
gunicorn is told to believe no forwarded headers at all.
"""
import os

forwarded_allow_ips = ""
secure_scheme_headers = {}
workers = int(os.environ.get("WEB_CONCURRENCY", "2"))
accesslog = "-"
