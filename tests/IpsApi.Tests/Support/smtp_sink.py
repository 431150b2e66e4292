#!/usr/bin/python3
"""A real SMTP server (Debian's python3-aiosmtpd) for the mail tests, on a loopback port.

Appends one JSON object a line to --record, before it answers the command it records:
  {"event": "message", "mail_from": ..., "rcpt_tos": [...], "data": <base64 of the raw message>}
  {"event": "data-refused", "code": 451}
  {"event": "rcpt-refused", "address": ..., "code": 550}
  {"event": "auth", "login": ..., "success": true|false}

--refuse-data N       answers the first N messages with --refuse-data-code (451, a transient refusal, unless told)
--refuse-rcpt A=CODE  refuses recipient A with CODE (550 permanent, 450 transient); repeatable
--tls-cert/--tls-key  offers STARTTLS with that certificate (PEM)
SMTP_SINK_AUTH=user:password  offers AUTH PLAIN/LOGIN without TLS and accepts only that pair
"""
import argparse
import base64
import json
import os
import signal
import ssl
import threading

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, AuthResult, LoginPassword


class Recorder:
    def __init__(self, path, refuse_data, refuse_data_code, refuse_rcpt):
        self.path = path
        self.refuse_data = refuse_data
        self.refuse_data_code = refuse_data_code
        self.refuse_rcpt = refuse_rcpt
        self.lock = threading.Lock()

    def record(self, entry):
        with self.lock, open(self.path, "a", encoding="utf-8") as out:
            out.write(json.dumps(entry) + "\n")

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        code = self.refuse_rcpt.get(address.lower())
        if code is not None:
            self.record({"event": "rcpt-refused", "address": address, "code": code})
            return f"{code} 4.2.1 Mailbox busy, try again later" if code < 500 else f"{code} 5.1.1 Mailbox unavailable"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        with self.lock:
            refuse = self.refuse_data > 0
            self.refuse_data -= 1 if refuse else 0
        if refuse:
            code = self.refuse_data_code
            self.record({"event": "data-refused", "code": code})
            return f"{code} 4.3.0 Try again later" if code < 500 else f"{code} 5.7.1 Message refused"
        data = envelope.original_content or envelope.content
        self.record({"event": "message", "mail_from": envelope.mail_from, "rcpt_tos": envelope.rcpt_tos,
                     "data": base64.b64encode(data).decode("ascii")})
        return "250 2.0.0 Queued"


class SinkController(Controller):
    def factory(self):
        # A fixed name: the default asks the resolver for this host's FQDN, which may hang without a network.
        return SMTP(self.handler, hostname="smtp-sink.test", **self.SMTP_kwargs)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--record", required=True)
    parser.add_argument("--refuse-data", type=int, default=0)
    parser.add_argument("--refuse-data-code", type=int, default=451)
    parser.add_argument("--refuse-rcpt", action="append", default=[])
    parser.add_argument("--tls-cert")
    parser.add_argument("--tls-key")
    args = parser.parse_args()

    refuse_rcpt = {}
    for item in args.refuse_rcpt:
        address, code = item.rsplit("=", 1)
        refuse_rcpt[address.lower()] = int(code)
    recorder = Recorder(args.record, args.refuse_data, args.refuse_data_code, refuse_rcpt)

    parameters = {}
    credentials = os.environ.get("SMTP_SINK_AUTH")
    if credentials:
        user, password = credentials.split(":", 1)

        def authenticate(server, session, envelope, mechanism, auth_data):
            ok = isinstance(auth_data, LoginPassword) and auth_data.login.decode() == user and auth_data.password.decode() == password
            recorder.record({"event": "auth", "login": auth_data.login.decode() if isinstance(auth_data, LoginPassword) else None, "success": ok})
            # handled=False: aiosmtpd then answers the failure with 535 itself.
            return AuthResult(success=ok, handled=False)

        parameters.update(authenticator=authenticate, auth_require_tls=False)
    if args.tls_cert:
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        context.load_cert_chain(args.tls_cert, args.tls_key)
        parameters.update(tls_context=context)

    controller = SinkController(recorder, hostname="127.0.0.1", port=args.port, ready_timeout=10, **parameters)
    controller.start()
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    stop.wait()
    controller.stop()


if __name__ == "__main__":
    main()
