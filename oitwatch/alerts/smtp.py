"""Sending one message over SMTP (stdlib), with STARTTLS or SSL and login from settings."""

from __future__ import annotations

import smtplib
import ssl
from email.message import EmailMessage
from email.utils import formatdate, make_msgid

from oitwatch.config.settings import SmtpSettings


def build(
    settings: SmtpSettings, recipients: list[str], subject: str, body: str, ref: str
) -> EmailMessage:
    message = EmailMessage()
    message["From"] = settings.sender
    message["To"] = ", ".join(recipients)
    message["Subject"] = subject
    message["Date"] = formatdate(localtime=True)
    message["Message-ID"] = make_msgid(idstring=ref, domain="oitwatch")
    message["X-Oitwatch-Ref"] = ref
    message.set_content(body, charset="utf-8")
    return message


def send(settings: SmtpSettings, message: EmailMessage) -> None:
    """Raises OSError or smtplib.SMTPException on failure."""
    context = ssl.create_default_context()
    client: smtplib.SMTP
    if settings.security == "ssl":
        client = smtplib.SMTP_SSL(
            settings.host, settings.port, timeout=settings.timeout, context=context
        )
    else:
        client = smtplib.SMTP(settings.host, settings.port, timeout=settings.timeout)
    with client:
        if settings.security == "starttls":
            client.starttls(context=context)
        if settings.username:
            password = settings.password.get_secret_value() if settings.password else ""
            client.login(settings.username, password)
        client.send_message(message)
