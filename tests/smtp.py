"""A real SMTP server on this machine (aiosmtpd), for the tests that send e-mail.

In the test's own process (`start_smtp_server`, the root conftest's `smtp_server` fixture) it
keeps what it accepts; `python -m tests.smtp PORT [refuse]` runs it in a process of its own, so
its session log never mixes with the site's logs (tests/hardening/test_logs.py).
"""

import asyncio
import email
import sys
import threading
from email import policy


class Inbox:
    """aiosmtpd handler that keeps every message it accepts, or refuses every recipient as real
    servers do, quoting the address back."""

    def __init__(self, refuse=False):
        self.refuse = refuse
        self.messages = []
        # stall(): the server takes (and keeps) a message's data but waits before answering it, as
        # a mail server hanging on DATA does; `data_waiting` says a sender is now waiting there.
        self.stalled = False
        self.data_waiting = threading.Event()

    def stall(self):
        self.stalled = True
        self.data_waiting.clear()

    def release(self):
        self.stalled = False

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if self.refuse:
            return f"550 5.1.1 <{address}>: Recipient address rejected"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        message = email.message_from_bytes(envelope.content, policy=policy.default)
        # Kept before a stall, as a server that queued the message but never answered: the
        # sender cannot tell whether it went.
        self.messages.append((envelope.rcpt_tos, message))
        while self.stalled:
            self.data_waiting.set()
            await asyncio.sleep(0.05)
        return "250 Message accepted for delivery"

    def to(self, address):
        return [message for recipients, message in self.messages if address in recipients]


def message_text(message):
    """Subject and decoded body, as the reader sees them."""
    return f"{message['subject']}\n{message.get_body(('plain',)).get_content()}"


def start_smtp_server(port, refuse=False):
    """A running server on 127.0.0.1:`port` and its inbox; the caller stops the controller."""
    from aiosmtpd.controller import Controller

    inbox = Inbox(refuse)
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    return controller, inbox


if __name__ == "__main__":
    controller, _inbox = start_smtp_server(int(sys.argv[1]), refuse=sys.argv[2:] == ["refuse"])
    print("ready", flush=True)
    sys.stdin.read()  # until the test closes our standard input
    controller.stop()
