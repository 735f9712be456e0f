"""Email through the SMTP server in the settings; without one, nothing is sent.

The settings (``SHOPPER_MAIL_*`` in the environment, ``MAIL_*`` in
``instance/config.py``): ``MAIL_SERVER`` (empty: no mail), ``MAIL_PORT``,
``MAIL_USERNAME`` and ``MAIL_PASSWORD`` (both empty: no sign-in),
``MAIL_USE_TLS`` (TLS from the first byte, usually port 465),
``MAIL_USE_STARTTLS`` (plain, then STARTTLS, usually port 587),
``MAIL_SENDER`` (the From address) and ``MAIL_TIMEOUT`` (seconds).

Mail is sent only after the change it tells of is committed, and a failure to
send never undoes that change: ``deliver`` logs it and answers False.
"""

from __future__ import annotations

import logging
import smtplib
import ssl
from collections.abc import Iterable, Sequence
from contextlib import suppress
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import formataddr, make_msgid

from flask import current_app

log = logging.getLogger(__name__)


class MailNotConfigured(RuntimeError):
    """``send`` was called while no SMTP server is set."""


class MailFailed(RuntimeError):
    """The SMTP server could not be reached or refused the message."""


@dataclass(frozen=True)
class Attachment:
    """A file sent with a message."""

    filename: str
    content: bytes
    mimetype: str = "application/pdf"


def configured() -> bool:
    """Whether an SMTP server is set (``MAIL_SERVER``)."""
    return bool(str(current_app.config.get("MAIL_SERVER") or "").strip())


def sender() -> str:
    """The From address."""
    return str(current_app.config["MAIL_SENDER"])


def message(
    to: str | Sequence[str],
    subject: str,
    body: str,
    attachments: Iterable[Attachment] = (),
    *,
    to_name: str = "",
) -> EmailMessage:
    """A plain-text message (UTF-8) from ``MAIL_SENDER``, with its attachments."""
    mail = EmailMessage()
    mail["From"] = sender()
    if isinstance(to, str):
        mail["To"] = formataddr((to_name, to)) if to_name else to
    else:
        mail["To"] = ", ".join(to)
    mail["Subject"] = subject
    mail["Message-ID"] = make_msgid(domain=sender().rpartition("@")[2] or None)
    mail.set_content(body)
    for attachment in attachments:
        maintype, _, subtype = attachment.mimetype.partition("/")
        mail.add_attachment(
            attachment.content,
            maintype=maintype,
            subtype=subtype or "octet-stream",
            filename=attachment.filename,
        )
    return mail


def _connect() -> smtplib.SMTP:
    config = current_app.config
    host = str(config["MAIL_SERVER"]).strip()
    port = int(config["MAIL_PORT"])
    timeout = float(config["MAIL_TIMEOUT"])
    if config.get("MAIL_USE_TLS"):
        server: smtplib.SMTP = smtplib.SMTP_SSL(
            host, port, timeout=timeout, context=ssl.create_default_context()
        )
    else:
        server = smtplib.SMTP(host, port, timeout=timeout)
        if config.get("MAIL_USE_STARTTLS"):
            server.starttls(context=ssl.create_default_context())
    if config.get("MAIL_USERNAME"):
        server.login(str(config["MAIL_USERNAME"]), str(config.get("MAIL_PASSWORD") or ""))
    return server


def send(mail: EmailMessage) -> None:
    """Send one message; MailNotConfigured without a server, MailFailed when it fails."""
    if not configured():
        raise MailNotConfigured("No SMTP server is set (MAIL_SERVER).")
    try:
        server = _connect()
        try:
            refused = server.send_message(mail)
        finally:
            try:
                server.quit()
            except smtplib.SMTPException:
                server.close()
    except (smtplib.SMTPException, OSError) as error:
        raise MailFailed(f"Sending to {mail['To']} failed: {error}") from error
    if refused:
        raise MailFailed(f"The server refused {', '.join(refused)}.")


def deliver(mail: EmailMessage) -> bool | None:
    """Send if a server is set: True when sent, False when it failed (logged), None without one."""
    if not configured():
        return None
    try:
        send(mail)
    except MailFailed as error:
        log.warning("%s", error)
        return False
    return True


def deliver_all(mails: Sequence[EmailMessage]) -> list[bool] | None:
    """Send many over one connection: for each, True sent or False failed (logged);
    None without a server. When the server cannot be reached, the rest are not tried."""
    if not configured():
        return None
    results: list[bool] = []
    server: smtplib.SMTP | None = None
    try:
        for index, mail in enumerate(mails):
            try:
                if server is None:
                    server = _connect()
            except (smtplib.SMTPException, OSError) as error:
                log.warning("The SMTP server cannot be reached: %s", error)
                return results + [False] * (len(mails) - index)
            try:
                refused = server.send_message(mail)
            except (smtplib.SMTPException, OSError) as error:
                log.warning("Sending to %s failed: %s", mail["To"], error)
                results.append(False)
                with suppress(smtplib.SMTPException, OSError):
                    server.close()
                server = None
                continue
            if refused:
                log.warning("The server refused %s.", ", ".join(refused))
            results.append(not refused)
    finally:
        if server is not None:
            with suppress(smtplib.SMTPException, OSError):
                server.quit()
    return results
