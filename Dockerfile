# quality-gates: the GitHub App (web + in-process workers) in one image.
# Build:  docker build -t quality-gates .
# Run:    see docs/deployment.md (bubblewrap needs three --security-opt flags, docs/sandbox.md).
FROM node:20-slim

# bubblewrap isolates repository code; git, Python and its tools serve the Python toolchains
# (flake8, coverage.py, pytest); ca-certificates for HTTPS to GitHub and deploy targets.
RUN apt-get update \
 && apt-get install -y --no-install-recommends \
      bubblewrap ca-certificates git \
      python3 python3-venv python3-pip flake8 python3-coverage python3-pytest python3-pytest-cov python3-sphinx \
 && rm -rf /var/lib/apt/lists/*

WORKDIR /app

# Dependencies first, so code changes do not reinstall them. typescript is a runtime dependency (the
# gates and the build below use it); tsx runs the sources when they no longer match the build.
# Scripts are skipped (`prepare` would build), then only the native module that needs one is rebuilt.
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --ignore-scripts \
 && npm rebuild better-sqlite3 esbuild \
 && npm cache clean --force

COPY bin ./bin
COPY src ./src
COPY assets ./assets
COPY docs/configuration.md ./docs/configuration.md
COPY app.yml ./app.yml
COPY tsconfig.json tsconfig.build.json ./

# Compiled once here: bin/quality-gates.js then runs dist/ (about 50 MB less memory than running the
# TypeScript sources through tsx, and a faster start).
RUN npm run build

# Non-root: the app's own files stay read-only to it; /data holds the job store and caches; /app is
# writable only so Probot's first-run setup can write .env.
RUN mkdir -p /data \
 && chown node:node /data /app
USER node

ENV DATA_DIR=/data \
    HOST=0.0.0.0 \
    PORT=3000 \
    LOG_FORMAT=json
VOLUME ["/data"]
EXPOSE 3000

HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.PORT || 3000) + '/healthz').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]

CMD ["node", "bin/quality-gates.js", "serve"]
