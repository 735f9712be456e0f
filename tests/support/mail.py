"""A real SMTP server for the suite (aiosmtpd on 127.0.0.1) that keeps what arrives."""

from __future__ import annotations

import email
import email.header
import email.message
import socket
import threading
import time
from dataclasses import dataclass, field

from aiosmtpd.controller import Controller
from aiosmtpd.handlers import Message


def free_port() -> int:
    """A TCP port nobody listens on now (the controller cannot start on port 0)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@dataclass
class Received:
    """One message as the server got it, with its headers decoded."""

    raw: email.message.Message
    envelope_to: tuple[str, ...]

    @property
    def subject(self) -> str:
        return str(email.header.make_header(email.header.decode_header(self.raw["Subject"])))

    @property
    def to(self) -> str:
        return str(email.header.make_header(email.header.decode_header(self.raw["To"])))

    @property
    def body(self) -> str:
        """The plain-text part, decoded, with the line ends of Python."""
        for part in self.raw.walk():
            if part.get_content_type() == "text/plain" and not part.get_filename():
                text = part.get_payload(decode=True).decode(part.get_content_charset() or "utf-8")
                return text.replace("\r\n", "\n")
        return ""

    @property
    def attachments(self) -> dict[str, bytes]:
        """Each attached file by name."""
        return {
            part.get_filename(): part.get_payload(decode=True)
            for part in self.raw.walk()
            if part.get_filename()
        }


class _Collect(Message):
    def __init__(self, box: Mailbox) -> None:
        super().__init__()
        self.box = box

    def handle_message(self, message: email.message.Message) -> None:
        recipients = tuple(message.get("X-RcptTo", "").split(", "))
        with self.box.arrived:
            self.box.messages.append(Received(message, recipients))
            self.box.arrived.notify_all()


@dataclass
class Mailbox:
    """The server's messages, oldest first; ``settings`` point an app at it."""

    port: int = 0
    messages: list[Received] = field(default_factory=list)
    arrived: threading.Condition = field(default_factory=threading.Condition)
    refuse: bool = False

    @property
    def settings(self) -> dict[str, object]:
        return {"MAIL_SERVER": "127.0.0.1", "MAIL_PORT": self.port, "MAIL_SENDER": "shop@test"}

    def clear(self) -> None:
        with self.arrived:
            self.messages.clear()

    def to(self, address: str) -> list[Received]:
        """The messages whose envelope named ``address``."""
        return [m for m in self.messages if address in m.envelope_to]

    def wait(self, count: int, timeout: float = 10) -> list[Received]:
        """The messages once at least ``count`` arrived (the server hands them over async)."""
        deadline = time.monotonic() + timeout
        with self.arrived:
            while len(self.messages) < count:
                left = deadline - time.monotonic()
                if left <= 0:
                    break
                self.arrived.wait(left)
            return list(self.messages)


class SmtpServer:
    """aiosmtpd in a thread of its own; ``stop()`` ends it."""

    def __init__(self) -> None:
        self.box = Mailbox(port=free_port())
        self.controller = Controller(_Collect(self.box), hostname="127.0.0.1", port=self.box.port)
        self.controller.start()

    def stop(self) -> None:
        self.controller.stop()
