"""A mail server on loopback for the worker's mail tests: it speaks enough SMTP for Django's
smtp backend, keeps every message it accepted (answered "250" at the end of DATA), and can be
told to hold an answer until the test releases it, to stop a worker at a chosen moment."""

import select
import socketserver
import threading


class _Session(socketserver.StreamRequestHandler):
    def reply(self, line: str) -> None:
        self.wfile.write(f"{line}\r\n".encode())
        self.wfile.flush()

    def client_left_while_held(self) -> bool:
        """Wait for the release; True if the client went away first (its process was killed)."""
        server: LoopbackSMTP = self.server.owner
        while not server.released.wait(0.05):
            readable, _, _ = select.select([self.request], [], [], 0)
            if readable and not self.request.recv(1, 2):  # 2 = MSG_PEEK: EOF means gone
                return True
        return False

    def handle(self) -> None:
        server: LoopbackSMTP = self.server.owner
        self.reply("220 loopback ESMTP")
        while line := self.rfile.readline():
            command = line.decode(errors="replace").strip().upper()
            if command.startswith(("EHLO", "HELO")):
                self.reply("250 loopback")
            elif command == "DATA":
                self.reply("354 end with <CRLF>.<CRLF>")
                data = []
                while (chunk := self.rfile.readline()) not in (b".\r\n", b""):
                    data.append(chunk)
                if server.hold == "accept" and self.client_left_while_held():
                    return  # never answered: the message was not accepted
                server.accepted.append(b"".join(data))
                self.reply("250 queued")
            elif command == "QUIT":
                if server.hold == "quit":
                    self.client_left_while_held()
                self.reply("221 bye")
                return
            else:  # MAIL, RCPT, RSET, NOOP
                self.reply("250 OK")


class LoopbackSMTP:
    def __init__(self, *, hold: str | None = None):
        """hold: None; "accept" (the end of DATA is answered only once released, or never if the
        client leaves first); "quit" (the goodbye is answered only once released)."""
        self.hold = hold
        self.released = threading.Event()
        self.accepted: list[bytes] = []
        self._server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), _Session)
        self._server.daemon_threads = True
        self._server.owner = self
        self.port = self._server.server_address[1]
        self._thread = threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self.released.set()
        self._server.shutdown()
        self._server.server_close()

    def accepted_with(self, text: str) -> int:
        return sum(text.encode() in message for message in self.accepted)
