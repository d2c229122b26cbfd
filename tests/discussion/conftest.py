"""Mail as readers receive it: a real SMTP server on loopback (aiosmtpd)."""

import re
import socket
from email import message_from_bytes, policy

import pytest
from aiosmtpd.controller import Controller


class Inbox:
    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):
        self.messages.append((envelope.rcpt_tos, message_from_bytes(envelope.content, policy=policy.default)))
        return "250 OK"

    def to(self, address):
        return [message for rcpt, message in self.messages if address in rcpt]


@pytest.fixture
def smtp(settings):
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", port
    settings.COMMENTARIAT = {**settings.COMMENTARIAT, "SITE_URL": "http://testserver"}
    yield inbox
    controller.stop()


def link(message, path):
    text = message.get_body(preferencelist=("plain",)).get_content()
    return re.search(rf"http://testserver(/{path}/[^\s]+/)", text).group(1)


def text_of(message) -> str:
    return message.get_body(preferencelist=("plain",)).get_content()
