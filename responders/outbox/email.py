"""The e-mail sender of the outbox: one SMTP exchange per item, STARTTLS and login supported.

Registered in responders.dispatch.SENDERS for kind "email". The message is fully rendered when it
is queued (responders.alerts.mail), so a retry sends exactly the same mail with the same Message-ID:
SMTP cannot tell us whether a dropped connection delivered, so after a crash a mail may arrive
twice, and mail clients recognise the duplicate by its Message-ID.
"""

from __future__ import annotations

import smtplib
import ssl
from email.message import EmailMessage
from email.utils import formatdate
from typing import Any

from sqlalchemy.orm import Session

from monitor.settings import Settings, SmtpSettings
from monitor.storage import models as m
from responders.outbox.dispatch import SendOutcome


def build_message(sender: str, payload: dict[str, Any]) -> EmailMessage:
    """A multipart (plain text + HTML) message from an outbox payload."""
    message = EmailMessage()
    message["From"] = sender
    message["To"] = ", ".join(payload["to"])
    message["Subject"] = " ".join(str(payload["subject"]).split())  # never a header injection
    message["Message-ID"] = payload["message_id"]
    message["Date"] = formatdate(localtime=False, usegmt=True)
    message["Auto-Submitted"] = "auto-generated"  # RFC 3834: no auto-replies to alerts
    message.set_content(payload["text"])
    if payload.get("html"):
        message.add_alternative(payload["html"], subtype="html")
    return message


class PlainLoginRefused(smtplib.SMTPException):
    """The config asks for an SMTP login without STARTTLS and does not allow that explicitly."""


def check_login_is_encrypted(smtp: SmtpSettings) -> None:
    """Refuse to send the SMTP password in clear unless `smtp.allow_plain_login` says so."""
    if smtp.username and not smtp.starttls and not smtp.allow_plain_login:
        raise PlainLoginRefused(
            f"refusing to send the SMTP login for {smtp.username!r} over a plain connection to"
            f" {smtp.host}:{smtp.port}: set smtp.starttls = true, or smtp.allow_plain_login = true"
            " if the link to the server is trusted (e.g. localhost)"
        )


def deliver(smtp: SmtpSettings, message: EmailMessage, recipients: list[str]) -> dict[str, Any]:
    """Send one message over SMTP; raises smtplib/OSError exceptions for the caller to classify."""
    check_login_is_encrypted(smtp)  # before connecting: nothing is sent at all
    with smtplib.SMTP(smtp.host, smtp.port, timeout=smtp.timeout_seconds) as client:
        client.ehlo()
        if smtp.starttls:
            client.starttls(context=ssl.create_default_context())
            client.ehlo()
        if smtp.username:
            client.login(smtp.username, smtp.password)
        refused = client.send_message(message, to_addrs=recipients)
    return {"refused": sorted(refused)}


def send_email(settings: Settings, session: Session, item: m.OutboxItem) -> SendOutcome:
    """Send an outbox e-mail; a server that is down or says "try later" is retried with back-off."""
    payload = item.payload or {}
    recipients = list(payload.get("to") or [])
    if not recipients:
        return SendOutcome(ok=False, error="the e-mail has no recipients", permanent=True)
    try:
        message = build_message(settings.smtp.sender, payload)
    except (KeyError, ValueError) as exc:
        return SendOutcome(ok=False, error=f"malformed e-mail payload: {exc}", permanent=True)
    where = f"{settings.smtp.host}:{settings.smtp.port}"
    try:
        result = deliver(settings.smtp, message, recipients)
    except PlainLoginRefused as exc:
        # Retried with back-off like a refused login: the mail goes once the config is fixed.
        return SendOutcome(ok=False, error=str(exc))
    except smtplib.SMTPAuthenticationError as exc:
        # Retried (the password may be fixed in the environment), but say what to do.
        return SendOutcome(
            ok=False,
            error=f"SMTP login refused by {where} ({exc.smtp_code}): check smtp.username and "
            f"the variable {settings.smtp.password_env}",
        )
    except smtplib.SMTPRecipientsRefused as exc:
        codes = sorted({code for code, _ in exc.recipients.values()})
        permanent = all(code >= 500 for code in codes)
        return SendOutcome(
            ok=False,
            error=f"{where} refused every recipient ({', '.join(map(str, codes))})",
            permanent=permanent,
        )
    except smtplib.SMTPResponseException as exc:
        text = exc.smtp_error.decode(errors="replace") if isinstance(exc.smtp_error, bytes) else ""
        return SendOutcome(
            ok=False,
            error=f"{where} answered {exc.smtp_code} {text[:200]}",
            permanent=exc.smtp_code >= 500 and exc.smtp_code not in (530, 535, 554),
        )
    except (smtplib.SMTPException, OSError) as exc:
        return SendOutcome(ok=False, error=f"cannot reach the SMTP server {where}: {exc}")
    return SendOutcome(
        ok=True, result={"message_id": payload["message_id"], "to": recipients, **result}
    )
