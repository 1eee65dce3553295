# partnerbot: the Slack app served by gunicorn (HTTP mode), as an unprivileged user.
#   docker build -t partnerbot .
#   docker run --env-file .env -p 3000:3000 partnerbot          # or: docker compose up
# Tokens come from the environment at run time; nothing secret is baked into the image.

FROM python:3.11-slim AS build
ENV PIP_NO_CACHE_DIR=1 PIP_DISABLE_PIP_VERSION_CHECK=1
WORKDIR /src

# Dependencies in a layer of their own: it is rebuilt only when pyproject.toml changes, not on every code edit.
COPY pyproject.toml ./
RUN python -c "import tomllib; p = tomllib.load(open('pyproject.toml', 'rb'))['project']; \
print('\n'.join(p['dependencies'] + p['optional-dependencies']['postgres']))" > requirements.txt \
 && pip install --prefix=/install -r requirements.txt

# The application itself (the knowledge base is packaged inside it).
COPY README.md ./
COPY bot ./bot
COPY knowledge ./knowledge
RUN pip install --prefix=/install --no-deps .

FROM python:3.11-slim
ENV PYTHONUNBUFFERED=1 \
    PYTHONDONTWRITEBYTECODE=1 \
    LOG_FORMAT=json
RUN useradd --create-home --uid 10001 --shell /usr/sbin/nologin partnerbot
COPY --from=build /install /usr/local
USER partnerbot
WORKDIR /home/partnerbot
EXPOSE 3000
# 200 only while the server answers and its database does. Slim images have no curl, so Python asks.
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
  CMD ["python", "-c", "import sys, urllib.request; sys.exit(0 if urllib.request.urlopen('http://127.0.0.1:3000/healthz', timeout=4).status == 200 else 1)"]
# SIGTERM: stop taking requests, finish those in flight, exit (give it stop_grace_period: 30s).
STOPSIGNAL SIGTERM
CMD ["partnerbot", "serve", "--port", "3000"]
