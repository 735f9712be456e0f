"""Email: what arrives at a real SMTP server (aiosmtpd, started by the suite)."""

from __future__ import annotations

import pytest

from shopper.services import mail
from tests.support.mail import Mailbox, free_port


def test_nothing_is_sent_without_a_server(app, smtp_server):
    smtp_server.box.clear()
    with app.app_context():
        assert mail.configured() is False
        message = mail.message("a@test.example", "Hello", "Body")
        assert mail.deliver(message) is None
        with pytest.raises(mail.MailNotConfigured):
            mail.send(message)
    assert smtp_server.box.messages == []


def test_a_message_with_a_pdf_arrives_as_sent(app, smtp: Mailbox):
    with app.app_context():
        assert mail.configured() is True
        message = mail.message(
            "ayse@test.example",
            "Mağaza raporu – Kasım",
            "Merhaba Ayşe,\nrapor ekte.",
            [mail.Attachment("report.pdf", b"%PDF-1.4 test")],
            to_name="Ayşe Yılmaz",
        )
        mail.send(message)
    [received] = smtp.wait(1)
    assert received.envelope_to == ("ayse@test.example",)
    assert received.subject == "Mağaza raporu – Kasım"
    assert received.to == "Ayşe Yılmaz <ayse@test.example>"
    assert received.raw["From"] == "shop@test"
    assert received.body == "Merhaba Ayşe,\nrapor ekte.\n"
    assert received.attachments == {"report.pdf": b"%PDF-1.4 test"}


def test_a_server_out_of_reach_is_logged_not_raised(app, caplog):
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=free_port(), MAIL_TIMEOUT=5)
    with app.app_context():
        message = mail.message("a@test.example", "Hello", "Body")
        assert mail.deliver(message) is False
        with pytest.raises(mail.MailFailed):
            mail.send(message)
    assert "Sending to a@test.example failed" in caplog.text
