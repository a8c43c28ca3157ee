# poflow worker / API / migration image (see docker-compose.yml).
#   docker build -t poflow .
# One image, three roles: `poflow worker`, `poflow api --host 0.0.0.0`, `poflow migrate`.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    POFLOW_HOME=/var/lib/poflow

WORKDIR /app

# Scans (image-only PDFs, PNG/JPEG/TIFF) are read by Tesseract with the packs of
# the seven languages the PDF reader knows (activities/intake/ocr.py; dev.py installs the same).
RUN apt-get update \
    && apt-get install -y --no-install-recommends tesseract-ocr tesseract-ocr-deu tesseract-ocr-fra \
       tesseract-ocr-spa tesseract-ocr-ita tesseract-ocr-nld tesseract-ocr-swe \
    && rm -rf /var/lib/apt/lists/*

# Dependencies first (their own layer: rebuilt only when the lock changes).
# The lock pins everything, test tools included, plus setuptools for the build below.
COPY requirements.lock ./
RUN pip install --no-input -r requirements.lock

# The project, installed editable from /app: migrations/ and seed/ are read
# from the source tree beside the packages (activities/db/engine.py REPO_ROOT).
COPY . .
RUN pip install --no-input --no-deps --no-build-isolation -e . \
    && useradd --system --uid 10001 --no-create-home --home-dir /var/lib/poflow poflow \
    && mkdir -p /var/lib/poflow \
    && chown poflow /var/lib/poflow

USER poflow
EXPOSE 8000
# Graceful shutdown: the worker drains on SIGTERM; give it stop_grace_period in compose.
STOPSIGNAL SIGTERM
CMD ["poflow", "api", "--host", "0.0.0.0", "--port", "8000"]
