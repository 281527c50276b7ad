"""A local stand-in for Health Canada's LNHPD API, served over real HTTP for the download tests.

It answers ``GET /api/natural-licences/<endpoint>/?lang=..&type=json[&page=N][&id=X]`` in the documented
form: the paginated endpoints page through everything (``metadata.pagination`` with limit, page, total,
next, previous), the others return a bare array, ``?id=`` returns that licence's records. Requests
can be made to fail: ``fail_once`` answers 503 the first time a path is asked, ``fail_always`` every time.
"""

from __future__ import annotations

import json
import threading
from collections import Counter
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

from cyclops.lnhpd.records import PAGINATED, LicenceBundle
from cyclops.lnhpd.sample import API_PATH, api_page, endpoint_records


class FakeLNHPD:
    def __init__(self, pairs: list[tuple[LicenceBundle, LicenceBundle]], page_size: int = 25) -> None:
        self.pairs = pairs
        self.page_size = page_size
        self.fail_once: set[str] = set()  # "endpoint?lang=en&page=2" style keys, see _key
        self.fail_always: set[str] = set()
        self.requests: Counter[str] = Counter()
        self._failed: set[str] = set()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def base_url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}{API_PATH}/"

    def __enter__(self) -> FakeLNHPD:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()

    @staticmethod
    def key(endpoint: str, lang: str, page: int | None = None, lnhpd_id: int | None = None) -> str:
        extra = f"&id={lnhpd_id}" if lnhpd_id is not None else f"&page={page}" if page else ""
        return f"{endpoint}?lang={lang}{extra}"

    def answer(self, endpoint: str, lang: str, page: int, lnhpd_id: int | None) -> tuple[int, object]:
        if endpoint not in PAGINATED | {"productlicence", "nonmedicinalingredient", "productdose", "productroute"}:
            return 404, {"error": f"no endpoint {endpoint}"}
        records = endpoint_records(self.pairs, endpoint, lang)
        if lnhpd_id is not None:
            return 200, [r for r in records if r["lnhpd_id"] == lnhpd_id]
        if endpoint not in PAGINATED:
            return 200, records
        return 200, api_page(records, endpoint, lang, page, self.page_size)

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: object) -> None:  # keep test output quiet
                pass

            def do_GET(self) -> None:  # noqa: N802 (the stdlib's name)
                url = urlsplit(self.path)
                query = {k: v[0] for k, v in parse_qs(url.query).items()}
                endpoint = url.path.removeprefix(API_PATH).strip("/")
                lang = query.get("lang", "en")
                page = int(query.get("page", 1))
                lnhpd_id = int(query["id"]) if "id" in query else None
                key = fake.key(endpoint, lang, page if "page" in query else None, lnhpd_id)
                fake.requests[key] += 1
                if key in fake.fail_always or (key in fake.fail_once and key not in fake._failed):
                    fake._failed.add(key)
                    status, payload = 503, {"error": "Service Unavailable"}
                elif query.get("type", "json") != "json":
                    status, payload = 400, {"error": "type must be json here"}
                else:
                    status, payload = fake.answer(endpoint, lang, page, lnhpd_id)
                body = json.dumps(payload, ensure_ascii=False).encode("utf-8")
                self.send_response(status)
                self.send_header("Content-Type", "application/json; charset=utf-8")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

        return Handler
