"""Notifications about one's own training reach the person's account in its own language, once, with an
unread count in the menu, and are marked read by their owner only."""
from sqlalchemy import func, select


def test_a_notification_reaches_the_linked_account_once_in_its_language(app, db, make_person, make_user, client):
    from trainer.auth.models import Notification
    from trainer.auth.notifications import notify_people

    person = make_person()
    user = make_user(role="trainee", scope="self", person=person, username="francophone")
    user.language = "fr"
    db.session.commit()

    def message(gettext):
        return gettext("Sign out"), "body"

    with app.test_request_context():
        assert notify_people([person.id], "assignment", "assign:1", message, link="/learning/") == 1
        assert notify_people([person.id], "assignment", "assign:1", message) == 0    # the same event twice
        db.session.commit()
    note = db.session.scalar(select(Notification).where(Notification.user_id == user.id))
    assert note.subject == "Se déconnecter"
    assert db.session.scalar(select(func.count()).select_from(Notification)) == 1


def test_the_menu_counts_unread_notifications_and_only_the_owner_marks_them_read(app, db, make_person, make_user,
                                                                                  client, login_as, count_queries):
    from trainer.auth.models import Notification
    from trainer.auth.notifications import notify_people
    from tests.conftest import login

    person = make_person()
    make_user(role="trainee", scope="self", person=person, username="reader")
    with app.test_request_context():
        notify_people([person.id], "certificate", "cert:1", lambda gettext: ("Certificate issued", ""))
        notify_people([person.id], "certificate", "cert:2", lambda gettext: ("Certificate revoked", ""))
        db.session.commit()
    note_id = db.session.scalar(select(Notification.id).order_by(Notification.id))
    login_as("admin")
    assert client.post(f"/notifications/{note_id}/read").status_code == 404   # someone else's
    client.post("/logout")
    login(client, "reader")
    page = client.get("/").get_data(as_text=True)
    assert '2<span class="visually-hidden"> unread</span>' in page
    client.post(f"/notifications/{note_id}/read")
    with count_queries() as q:
        assert '1<span class="visually-hidden"> unread</span>' in client.get("/").get_data(as_text=True)
    # The count comes with the signed-in account's own statement, not one more on every page.
    counts = [s for s in q.statements if "count(" in s.lower() and "FROM notifications" in s]
    assert len(counts) == 1 and "FROM users" in counts[0] and "JOIN grants" in counts[0]


def test_unread_come_first_and_all_can_be_marked_read_at_once(app, db, make_person, make_user, client):
    from trainer.auth.models import Notification
    from trainer.auth.notifications import mark_all_read, notify_people
    from tests.conftest import login

    person = make_person()
    reader = make_user(role="trainee", scope="self", person=person, username="reader2")
    other = make_user(role="trainee", scope="self", person=make_person(), username="other")
    with app.test_request_context():
        for n in range(3):
            notify_people([person.id, other.person_id], "certificate", f"cert:{n}",
                          lambda gettext, n=n: (f"Notice {n}", ""))
        db.session.commit()
    oldest = db.session.scalar(select(Notification).where(Notification.user_id == reader.id)
                               .order_by(Notification.id))
    login(client, "reader2")
    client.post(f"/notifications/{db.session.scalar(select(Notification.id).where(Notification.user_id == reader.id).order_by(Notification.id.desc()))}/read")
    page = client.get("/notifications").get_data(as_text=True)
    # The newest was read: it comes after the two still unread, under its own heading.
    assert page.index("Notice 1") < page.index("Notice 0") < page.index('id="read-heading"') < page.index("Notice 2")
    assert "Mark all as read" in page and oldest.read_at is None
    response = client.post("/notifications/read")
    assert response.status_code == 302
    assert "2 notifications marked read." in client.get("/notifications").get_data(as_text=True)
    unread = lambda user_id: db.session.scalar(select(func.count()).select_from(Notification).where(  # noqa: E731
        Notification.user_id == user_id, Notification.read_at.is_(None)))
    assert unread(reader.id) == 0 and unread(other.id) == 3  # someone else's stay unread
    with app.test_request_context():
        assert mark_all_read(reader) == 0
