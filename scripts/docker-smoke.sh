#!/usr/bin/env bash
# Builds the Docker image and smoke-tests it the way docs/deployment.md runs it: the documented
# --security-opt flags and a /data volume; HEALTHCHECK healthy; a non-root user without capabilities;
# the CLI inside gives the example the host's verdict; a signed webhook is stored and a forged one
# refused (400); a recreated container finds the SQLite store in the volume; a first run without
# credentials is healthy (setup mode); JSON log lines carry one name; without the flags the CLI names exactly the missing ones; the
# image is at most QG_IMAGE_MAX_MB. Exits non-zero on the first check that fails. Skips (exit 0, with
# the reason) only where Docker cannot run at all. .ci/run calls it; run as root.
#
#   QG_IMAGE          the tag to build (default quality-gates:ci)
#   QG_IMAGE_MAX_MB   the size limit (default 500)
set -euo pipefail
cd "$(dirname "$0")/.."

readonly IMAGE=${QG_IMAGE:-quality-gates:ci}
readonly MAX_MB=${QG_IMAGE_MAX_MB:-500}
readonly RUN_ID=qg-smoke-$$
readonly VOLUME=$RUN_ID-data
readonly HEALTH_TIMEOUT_S=120
started=$(date +%s)

say() { echo "docker-smoke: $*"; }
fail() { echo "docker-smoke: FAILED: $*" >&2; exit 1; }
pass() { echo "docker-smoke: ok: $*"; }

# --- Docker: the daemon, started here when it is installed but not running.
if ! docker info >/dev/null 2>&1; then
  if ! command -v dockerd >/dev/null 2>&1 && command -v apt-get >/dev/null 2>&1; then
    say "installing docker.io"
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq docker.io >/dev/null 2>&1 \
      || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq docker.io >/dev/null; } || true
  fi
  if command -v dockerd >/dev/null 2>&1; then
    say "starting dockerd (log: /var/log/qg-dockerd.log)"
    nohup dockerd >/var/log/qg-dockerd.log 2>&1 &
    for _ in $(seq 1 60); do docker info >/dev/null 2>&1 && break; sleep 0.5; done
  fi
  if ! docker info >/dev/null 2>&1; then
    say "SKIPPED: Docker cannot run on this machine: $( (tail -3 /var/log/qg-dockerd.log 2>/dev/null || echo 'no dockerd') | tr '\n' ' ')"
    exit 0
  fi
fi

# A client that builds with BuildKit (the Dockerfile mounts a build secret): one with the buildx
# plugin, or a client before 23, which drives the daemon's built-in BuildKit itself.
DOCKER=
for candidate in $(type -ap docker); do
  if "$candidate" buildx version >/dev/null 2>&1 \
    || [ "$("$candidate" version --format '{{.Client.Version}}' 2>/dev/null | cut -d. -f1)" -lt 23 ] 2>/dev/null; then
    DOCKER=$candidate
    break
  fi
done
[ -n "$DOCKER" ] || fail "no docker client here can build with BuildKit (install the buildx plugin)"
export DOCKER DOCKER_BUILDKIT=1

work=$(mktemp -d)
cleanup() {
  "$DOCKER" rm -f -v "$RUN_ID" "$RUN_ID-setup" >/dev/null 2>&1 || true
  "$DOCKER" volume rm "$VOLUME" >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT

# --- Build: the base (node:24-slim, or the stand-in where Docker Hub is out of reach), then the image.
base_started=$(date +%s)
base=$(scripts/docker-base.sh)
base_s=$(($(date +%s) - base_started))
secret=()
ca=$work/npm-ca.pem
# A TLS-inspecting proxy's CA certificates, for npm inside the build: a build secret, in no layer.
if [ -n "${NODE_EXTRA_CA_CERTS:-}" ] && [ -r "$NODE_EXTRA_CA_CERTS" ]; then cp "$NODE_EXTRA_CA_CERTS" "$ca"; fi
cat /usr/local/share/ca-certificates/*.crt >>"$ca" 2>/dev/null || true
[ -s "$ca" ] && secret=(--secret "id=npm_ca,src=$ca")
say "building $IMAGE from $base"
build_started=$(date +%s)
"$DOCKER" build -q "${secret[@]}" --build-arg "BASE_IMAGE=$base" -t "$IMAGE" . >"$work/build.log" 2>&1 \
  || { tail -40 "$work/build.log" >&2; fail "docker build"; }
build_s=$(($(date +%s) - build_started))
size_mb=$(("$("$DOCKER" image inspect -f '{{.Size}}' "$IMAGE")" / 1000000))
"$DOCKER" history --format '{{.Size}}\t{{.CreatedBy}}' "$IMAGE" | grep -v '^0B' | cut -c1-110 | sed 's/^/  /'
[ "$size_mb" -le "$MAX_MB" ] || fail "the image is $size_mb MB, more than $MAX_MB MB"
pass "built in ${build_s} s, $size_mb MB (limit $MAX_MB MB)"
if "$DOCKER" image inspect -f '{{json .Config.Env}}' "$IMAGE" | grep -q NODE_EXTRA_CA_CERTS \
  || "$DOCKER" history --no-trunc "$IMAGE" | grep -q 'BEGIN CERTIFICATE'; then
  fail "the build's CA certificates ended up in the image"
fi

# --- The documented run: the flags bubblewrap needs (docs/deployment.md), the /data volume, an --env-file.
security=(--security-opt seccomp=unconfined --security-opt apparmor=unconfined --security-opt systempaths=unconfined)
secret_value=$(node -p 'require("node:crypto").randomBytes(20).toString("hex")')
node -e '
  const { generateKeyPairSync } = require("node:crypto");
  const key = generateKeyPairSync("rsa", { modulusLength: 2048 }).privateKey.export({ type: "pkcs1", format: "pem" });
  process.stdout.write(["APP_ID=12345", "PRIVATE_KEY=" + key.trim().replace(/\n/g, "\\n"), "WEBHOOK_SECRET=" + process.argv[1], "QG_REDELIVER=0", ""].join("\n"));
' "$secret_value" >"$work/.env"
start_app() {
  "$DOCKER" run -d --name "$RUN_ID" --env-file "$work/.env" -p 127.0.0.1::3000 -v "$VOLUME:/data" "${security[@]}" "$IMAGE" >/dev/null
}
wait_healthy() { # wait_healthy CONTAINER
  local status=
  for _ in $(seq 1 "$HEALTH_TIMEOUT_S"); do
    status=$("$DOCKER" inspect -f '{{.State.Health.Status}}' "$1")
    [ "$status" = healthy ] && return 0
    [ "$status" = unhealthy ] && break
    sleep 1
  done
  "$DOCKER" logs --tail 30 "$1" >&2 || true
  fail "$1 is ${status:-not running} after ${HEALTH_TIMEOUT_S} s, not healthy"
}
url_of() { echo "http://$("$DOCKER" port "$1" 3000/tcp | head -1)"; }

start_app
# The first run without credentials, alongside: Probot's setup page, and healthy all the same.
"$DOCKER" run -d --name "$RUN_ID-setup" -p 127.0.0.1::3000 "${security[@]}" "$IMAGE" >/dev/null
wait_healthy "$RUN_ID"
pass "healthy (HEALTHCHECK) with the documented options"
wait_healthy "$RUN_ID-setup"
setup_health=$(node -e 'fetch(process.argv[1] + "/healthz").then(async (r) => console.log(r.status, await r.text()))' "$(url_of "$RUN_ID-setup")")
case "$setup_health" in 200*'"setup":true'*) pass "setup mode (no credentials): healthy, /healthz says $setup_health" ;; *) fail "setup mode /healthz: $setup_health" ;; esac
"$DOCKER" rm -f -v "$RUN_ID-setup" >/dev/null

app=$(url_of "$RUN_ID")
health=$(node -e 'fetch(process.argv[1] + "/healthz").then(async (r) => console.log(r.status, await r.text()))' "$app")
case "$health" in 200*'"sandbox":{"available":true'*) pass "/healthz: $health" ;; *) fail "/healthz: $health" ;; esac

uid=$("$DOCKER" exec "$RUN_ID" id -u)
cap_eff=$("$DOCKER" exec "$RUN_ID" sh -c 'grep ^CapEff /proc/1/status' | awk '{print $2}')
[ "$uid" != 0 ] || fail "the app runs as root"
[ "$cap_eff" = 0000000000000000 ] || fail "the app has capabilities: CapEff $cap_eff"
pass "runs as uid $uid ($("$DOCKER" exec "$RUN_ID" id -un)), CapEff $cap_eff"

# --- The CLI inside, on the example: the verdict the host gives.
git ls-files -z examples/invoice-calc | tar --null -T - -cf - | tar -xf - -C "$work"
verdicts='const r = JSON.parse(require("node:fs").readFileSync(0, "utf8")); console.log(r.map((g) => g.gate + "=" + g.conclusion).join(" "))'
host_verdict=$(node bin/quality-gates.js run "$work/examples/invoice-calc" --format json | node -e "$verdicts") || true
"$DOCKER" cp "$work/examples/invoice-calc" "$RUN_ID:/tmp/invoice-calc"
container_verdict=$("$DOCKER" exec "$RUN_ID" node bin/quality-gates.js run /tmp/invoice-calc --format json | node -e "$verdicts") || true
[ -n "$host_verdict" ] && [ "$host_verdict" = "$container_verdict" ] \
  || fail "the CLI's verdict on examples/invoice-calc: host '$host_verdict', container '$container_verdict'"
pass "CLI inside on examples/invoice-calc: $container_verdict (as on the host)"

# --- Webhooks: a correctly signed delivery is stored (200), a forged one refused (400).
deliver='
  const [url, secret, forged] = process.argv.slice(1);
  const { createHmac, randomUUID } = require("node:crypto");
  const body = JSON.stringify({ action: "opened", number: 1,
    pull_request: { number: 1, head: { sha: "a".repeat(40), ref: "feature" }, base: { sha: "b".repeat(40), ref: "main" } },
    repository: { id: 1, name: "smoke", full_name: "octo/smoke", owner: { login: "octo" }, default_branch: "main" },
    installation: { id: 1 } });
  const signature = "sha256=" + createHmac("sha256", forged === "forged" ? "not-the-secret" : secret).update(body).digest("hex");
  fetch(url + "/api/github/webhooks", { method: "POST", body, headers: { "content-type": "application/json",
    "x-github-event": "pull_request", "x-github-delivery": randomUUID(), "x-hub-signature-256": signature } })
    .then(async (r) => console.log(r.status, (await r.text()).trim()));'
signed=$(node -e "$deliver" "$app" "$secret_value" signed)
forged=$(node -e "$deliver" "$app" "$secret_value" forged)
case "$signed" in 200*) ;; *) "$DOCKER" logs --tail 20 "$RUN_ID" >&2; fail "signed webhook answered $signed" ;; esac
case "$forged" in 400*) ;; *) fail "forged webhook answered $forged, not 400" ;; esac
pass "signed webhook: $signed; forged: $forged"
logs=$("$DOCKER" logs "$RUN_ID" 2>&1)
# Top-level keys of each JSON line, duplicates kept (JSON.parse would fold them).
names=$(echo "$logs" | node -e '
  const lines = require("node:fs").readFileSync(0, "utf8").split("\n").filter((l) => l.startsWith("{"));
  const counts = lines.map((line) => {
    let depth = 0, count = 0;
    for (let i = 0; i < line.length; i++) {
      const c = line[i];
      if (c === "\"") {
        let j = i + 1;
        while (line[j] !== "\"") j += line[j] === "\\" ? 2 : 1;
        if (depth === 1 && line.slice(i, j + 2) === "\"name\":") count++;
        i = j;
      } else if (c === "{" || c === "[") depth++;
      else if (c === "}" || c === "]") depth--;
    }
    return count;
  });
  console.log(counts.join(" "));')
[ -n "$names" ] && [ -z "$(echo "$names" | tr ' ' '\n' | grep -vx 1)" ] \
  || fail "JSON log lines do not carry exactly one top-level name each (counts: $names): $(echo "$logs" | head -3)"
pass "JSON log lines, one name each ($(echo "$logs" | wc -l) lines)"


# --- Recreate: the job store is in the volume, not in the container.
jobs_of() { node -e 'fetch(process.argv[1] + "/healthz").then((r) => r.json()).then((h) => console.log(Object.values(h.jobs ?? {}).reduce((a, b) => a + b, 0)))' "$1"; }
before=$(jobs_of "$app")
"$DOCKER" rm -f "$RUN_ID" >/dev/null
start_app
wait_healthy "$RUN_ID"
after=$(jobs_of "$(url_of "$RUN_ID")")
store=$("$DOCKER" exec "$RUN_ID" ls /data)
[ "$before" -ge 1 ] && [ "$after" = "$before" ] || fail "jobs before recreating: $before, after: $after (/data: $store)"
echo "$store" | grep -qx quality-gates.sqlite || fail "no quality-gates.sqlite in the /data volume: $store"
pass "recreated: the store in /data still holds its $after job(s)"

# --- Without the flags: the CLI says exactly which are missing.
expected=(seccomp=unconfined systempaths=unconfined)
[ "$(cat /sys/module/apparmor/parameters/enabled 2>/dev/null)" = Y ] && expected=(seccomp=unconfined apparmor=unconfined systempaths=unconfined)
want="run it with $(printf -- '--security-opt %s ' "${expected[@]}")("
status=0
bare=$("$DOCKER" run --rm -v "$work/examples/invoice-calc:/work:ro" "$IMAGE" node bin/quality-gates.js run /work 2>&1) || status=$?
[ "$status" = 2 ] || fail "without the flags the CLI exited $status, not 2: $bare"
[[ "$bare" == *"$want"* ]] || fail "without the flags the CLI does not say '$want': $bare"
pass "without the flags: exit 2, \"…$want…\""

total_s=$(($(date +%s) - started))
say "passed: image $size_mb MB; base ${base_s} s ($base), build ${build_s} s, whole smoke test ${total_s} s"
