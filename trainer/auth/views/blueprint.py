"""The auth blueprint's URL map: each rule, its endpoint (the view's name, as the access policy names it)
and its methods."""
from flask import Blueprint

from trainer.auth.views import account, admin, bulk, sign_in, sso

bp = Blueprint("auth", __name__)

_RULES = [
    # signing in and out: with an account name and password, or through the OpenID Connect provider
    ("/login", sign_in.login, ["GET", "POST"]),
    ("/logout", sign_in.logout, ["POST"]),
    ("/login/sso", sso.sso_start, ["GET"]),
    ("/login/sso/callback", sso.sso_callback, ["GET"]),
    # one's own account
    ("/account/password", account.change_password, ["GET", "POST"]),
    ("/account", account.profile, ["GET", "POST"]),
    # account administration
    ("/admin/users", admin.admin_users, ["GET"]),
    ("/admin/users/new", admin.admin_user_new, ["GET", "POST"]),
    ("/admin/users/<int:user_id>", admin.admin_user, ["GET"]),
    ("/admin/users/<int:user_id>/grants", admin.admin_user_grant_add, ["POST"]),
    # the destructive ones ask first: a GET shows what will happen, the POST from that page does it
    ("/admin/users/<int:user_id>/grants/<int:grant_id>/remove", admin.admin_user_grant_remove, ["GET", "POST"]),
    ("/admin/users/<int:user_id>/disable", admin.admin_user_disable, ["GET", "POST"]),
    ("/admin/users/<int:user_id>/enable", admin.admin_user_enable, ["POST"]),
    ("/admin/users/<int:user_id>/reset-password", admin.admin_user_reset, ["GET", "POST"]),
    ("/admin/users/<int:user_id>/sso-links", admin.admin_user_sso_link, ["POST"]),
    ("/admin/users/<int:user_id>/sso-links/<int:link_id>/remove", admin.admin_user_sso_unlink, ["GET", "POST"]),
    # trainee accounts for a whole unit
    ("/units/<int:unit_id>/accounts", bulk.bulk_accounts, ["GET", "POST"]),
]

for rule, view, methods in _RULES:
    bp.add_url_rule(rule, view_func=view, methods=methods)
