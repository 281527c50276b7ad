"""Prometheus metrics of one mapi app (own registry, so several apps in one process never clash)."""

from __future__ import annotations

from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, Counter, Histogram, generate_latest


class Metrics:
    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        self.requests = Counter("mapi_requests", "HTTP requests by route, method and status.", ["route", "method", "status"], registry=self.registry)
        self.latency = Histogram(
            "mapi_request_seconds",
            "HTTP request latency by route.",
            ["route"],
            buckets=(0.005, 0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120),
            registry=self.registry,
        )
        self.ocr_seconds = Histogram("mapi_ocr_seconds", "Seconds of OCR per request.", buckets=(0.1, 0.5, 1, 2, 5, 10, 30, 60, 120), registry=self.registry)
        self.ocr_cache = Counter("mapi_ocr_cache", "OCR requests answered from the store (hit) or computed (miss).", ["result"], registry=self.registry)

    def observe_ocr(self, seconds: float, cache_hit: bool) -> None:
        self.ocr_cache.labels("hit" if cache_hit else "miss").inc()
        if not cache_hit:
            self.ocr_seconds.observe(seconds)

    def render(self) -> tuple[bytes, str]:
        return generate_latest(self.registry), CONTENT_TYPE_LATEST
