# syntax=docker/dockerfile:1.7
# mapi: the FastAPI compute API. Build from the repository root:
#   docker build -f docker/mapi.Dockerfile -t cyclops-mapi .
# Two stages so the heavy dependency layer is rebuilt only when pyproject.toml changes,
# and the runtime image carries no compiler or pip cache.

FROM python:3.11-slim AS deps
ENV PIP_DISABLE_PIP_VERSION_CHECK=1 PYTHONDONTWRITEBYTECODE=1
RUN python -m venv /opt/venv
ENV PATH=/opt/venv/bin:$PATH
WORKDIR /app
COPY pyproject.toml ./
# dependencies only (read from pyproject.toml), so editing the code reuses this layer
RUN --mount=type=cache,target=/root/.cache/pip \
    python -c "import tomllib; print('\n'.join(tomllib.load(open('pyproject.toml','rb'))['project']['dependencies']))" > /tmp/requirements.txt \
    && pip install -r /tmp/requirements.txt
COPY cyclops ./cyclops
COPY notebooks ./notebooks
COPY retrain ./retrain
COPY README.md ./
# editable, so code that finds notebooks/ beside the package keeps working in the image
RUN --mount=type=cache,target=/root/.cache/pip pip install --no-deps -e .

FROM python:3.11-slim AS runtime
# Tesseract with English and French data, and the fonts the label renderer uses
RUN apt-get update \
    && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
       tesseract-ocr tesseract-ocr-eng tesseract-ocr-fra \
       fonts-dejavu-core fonts-dejavu-extra fonts-liberation fonts-noto-core \
    && rm -rf /var/lib/apt/lists/*
RUN groupadd --system --gid 10001 cyclops \
    && useradd --system --uid 10001 --gid cyclops --home-dir /home/cyclops --create-home cyclops \
    && mkdir -p /data && chown cyclops:cyclops /data
COPY --from=deps /opt/venv /opt/venv
COPY --from=deps --chown=cyclops:cyclops /app /app
# the int8 fine detector (cyclops.ocr.int8: CYCLOPS_OCR_INT8=auto uses it where the CPU has VNNI/AMX) built once
# into the image, not by every container at its start (bfloat16 off here: where it runs it is used instead, and
# a host with VNNI but no AMX still needs the int8 model)
RUN cd /app && CYCLOPS_OCR_INT8=on CYCLOPS_OCR_BF16=off CYCLOPS_MODEL_CACHE=/opt/cyclops-models /opt/venv/bin/python -c \
    "from cyclops.ocr.rapid import RapidEngine; RapidEngine(threads=1)"
# glibc's malloc asks for huge pages for onnxruntime's buffers in every process, Dask workers too (cyclops/huge_pages.py)
ENV PATH=/opt/venv/bin:$PATH \
    PYTHONUNBUFFERED=1 \
    OMP_THREAD_LIMIT=1 \
    GLIBC_TUNABLES=glibc.malloc.hugetlb=1 \
    CYCLOPS_DATA_DIR=/data \
    CYCLOPS_MODEL_CACHE=/opt/cyclops-models \
    CYCLOPS_MAPI_PORT=8000
WORKDIR /app
USER cyclops
VOLUME ["/data"]
EXPOSE 8000
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s --retries=3 \
  CMD ["python", "-c", "import os, urllib.request; urllib.request.urlopen(f\"http://127.0.0.1:{os.environ.get('CYCLOPS_MAPI_PORT', '8000')}/healthz\", timeout=4)"]
# exec form through sh so CYCLOPS_MAPI_WORKERS (0 = one per core) can be changed per deployment
CMD ["sh", "-c", "exec cyclops serve mapi --host 0.0.0.0 --port \"${CYCLOPS_MAPI_PORT}\" --workers \"${CYCLOPS_MAPI_WORKERS:-0}\""]
