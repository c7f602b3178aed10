# quality-gates: the GitHub App (web + in-process workers) in one image.
# Build:  docker build -t quality-gates .
# Run:    see docs/deployment.md (bubblewrap needs --security-opt flags, docs/sandbox.md).
#
# Two stages: the build stage installs the npm dependencies and compiles the sources; the final stage
# gets the system packages the gates run and a copy of the result, without npm's cache or the build's
# leftovers. BASE_IMAGE exists for CI machines that cannot pull from Docker Hub (scripts/docker-base.sh
# builds a stand-in); an operator builds with the default.
ARG BASE_IMAGE=node:24-slim

FROM ${BASE_IMAGE} AS build
WORKDIR /app

# Dependencies first, so code changes do not reinstall them. typescript is a runtime dependency (the
# gates and the build below use it); tsx runs the sources when they no longer match the build.
# Scripts are skipped (`prepare` would build); better-sqlite3 ships its prebuilt binaries, esbuild's
# postinstall only checks its own. Nothing at run time reads the dependencies' type declarations or
# source maps (about 100 MB, most of it a dozen copies of @octokit/openapi-types), their Markdown,
# better-sqlite3's SQLite sources and other platforms' binaries, or TypeScript's translated messages;
# TypeScript's own lib.*.d.ts stay (the docs gate and TypeDoc compile the repository's code against them). A registry behind a TLS-inspecting proxy: its CA certificates come
# in as the build secret `npm_ca` (`docker build --secret id=npm_ca,src=FILE`), which is mounted for
# this one command and is in no layer.
COPY package.json package-lock.json ./
RUN --mount=type=secret,id=npm_ca \
    if [ -s /run/secrets/npm_ca ]; then export NODE_EXTRA_CA_CERTS=/run/secrets/npm_ca; fi \
 && npm ci --omit=dev --ignore-scripts --no-audit --no-fund \
 && npm rebuild esbuild \
 && rm -rf node_modules/better-sqlite3/deps node_modules/better-sqlite3/src \
 && find node_modules/better-sqlite3/prebuilds -type f ! -name "linux-$(node -p process.arch).node" -delete \
 && find node_modules -path node_modules/typescript -prune -o -type f \( -name '*.d.ts' -o -name '*.d.mts' -o -name '*.d.cts' -o -name '*.map' -o -name '*.md' \) -print0 | xargs -0 rm -f \
 && find node_modules/typescript/lib -mindepth 1 -maxdepth 1 -type d -exec rm -rf {} +

COPY bin ./bin
COPY src ./src
COPY assets ./assets
COPY docs/configuration.md ./docs/configuration.md
COPY app.yml ./app.yml
COPY tsconfig.json tsconfig.build.json ./

# Compiled once here: bin/quality-gates.js then runs dist/ (about 50 MB less memory than running the
# TypeScript sources through tsx, and a faster start).
RUN npm run build

FROM ${BASE_IMAGE}

# bubblewrap isolates repository code; git serves the CLI (a checkout's files, --base) and installs of
# git dependencies; Python and its tools serve the Python toolchains (flake8, coverage.py, pytest, Sphinx,
# pip and venv for the install); ca-certificates for HTTPS to GitHub and deploy targets. No compilers:
# nothing is built here. Left out to stay under 500 MB: Babel's locale data but English (Sphinx formats
# dates in English when a project's language has none), and Python's byte-code caches (47 MB; each
# Python gate compiles what it imports, about 2 s of CPU per commit).
RUN printf '%s\n' 'path-exclude /usr/share/python-babel-localedata/locale-data/*' \
      'path-include /usr/share/python-babel-localedata/locale-data/en*' \
      'path-include /usr/share/python-babel-localedata/locale-data/root.dat' >/etc/dpkg/dpkg.cfg.d/quality-gates \
 && apt-get update \
 && apt-get install -y --no-install-recommends \
      bubblewrap ca-certificates git \
      python3 python3-venv python3-pip flake8 python3-coverage python3-pytest python3-pytest-cov python3-sphinx \
 && apt-get clean \
 && rm -rf /var/lib/apt/lists/* /var/log/apt /var/log/dpkg.log \
 && find /usr/lib/python3 /usr/lib/python3.* -name __pycache__ -type d -prune -exec rm -rf {} +

WORKDIR /app

# The app's own files belong to root and stay read-only to the app; /data holds the job store and
# caches; /app is writable only so Probot's first-run setup can write .env.
COPY --from=build /app /app
RUN mkdir -p /data \
 && chown node:node /data /app
USER node

# DATA_DIR is the volume: .env.example leaves it commented, so an --env-file cannot move the store
# into the container (where recreating the container would lose it).
ENV DATA_DIR=/data \
    HOST=0.0.0.0 \
    PORT=3000 \
    LOG_FORMAT=json
VOLUME ["/data"]
EXPOSE 3000

# /healthz answers 200 in setup mode too ("setup": true), so a first run without credentials is not
# marked unhealthy while the operator registers the app.
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.PORT || 3000) + '/healthz').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]

CMD ["node", "bin/quality-gates.js", "serve"]
