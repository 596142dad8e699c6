// The job agent: a POSIX sh wrapper that every attempt's command runs under, on every
// provider (DESIGN.md "The run-time contract"). The dispatcher launches
//   sh -c AGENT_SCRIPT switchyard-agent <the job's command…>
// with SWITCHYARD_AGENT_URL, SWITCHYARD_AGENT_TOKEN (the attempt's capability token, never
// an API key), SWITCHYARD_OUTPUTS_DIR, SWITCHYARD_CHECKPOINT_DIR, SWITCHYARD_CHECKPOINT_EVERY.
//
// What it does, in order:
//   1. picks an HTTP client: curl, else GNU wget, else python3. With none (or no URL/token)
//      it execs the command as is: the attempt runs with provider-reported status only.
//   2. heartbeats (POST /v1/agent/heartbeat) every SWITCHYARD_HEARTBEAT_SECONDS (30), from
//      a background loop, so a long restore or upload never looks like a lost machine;
//      { "cancel": true } stops the command as SIGTERM would.
//   3. GET /v1/agent/secrets → { env } exported into the command's environment only
//      (written to a 0600 file, sourced by the command's shell, deleted; never printed).
//   4. GET /v1/agent/checkpoint → { url } (or 204): download, extract into the checkpoint dir.
//   5. runs the command with stdout+stderr to a log file; every SWITCHYARD_LOG_INTERVAL_SECONDS
//      (1) ships new bytes (POST /v1/agent/logs?offset=n, ≤ 32 KiB a request) and copies them
//      to its own stdout, so the provider's own log view still works.
//   6. every SWITCHYARD_CHECKPOINT_EVERY seconds (in the background) and after SIGTERM:
//      tar czf the checkpoint dir, POST /v1/agent/checkpoint { sizeBytes } → { url, key },
//      PUT the archive, POST /v1/agent/checkpoint/commit { key, sizeBytes }.
//   7. SIGTERM is forwarded to the command; when it exits: final checkpoint (after SIGTERM),
//      the rest of the logs, outputs (POST /v1/agent/outputs { files } → { uploads }, PUT each,
//      POST /v1/agent/outputs/commit; a 413 is reported, nothing uploaded), then
//      POST /v1/agent/exit { exitCode, endedAt }, and exits with the command's code.
// The command does not see SWITCHYARD_AGENT_TOKEN. Checkpoints are archives of whatever the
// folder holds at that moment: a command should write its checkpoint files atomically
// (write, then rename). File names with control characters are not uploaded as outputs.
//
// Written in a String.raw template, so the script never uses the "dollar-brace" form of
// parameter expansion (it would be template interpolation); defaults are set with tests.

export const AGENT_SCRIPT = String.raw`
note() { printf 'switchyard-agent: %s\n' "$*" >&2; }

if [ "$#" -eq 0 ]; then note "no command to run"; exit 127; fi

base=$SWITCHYARD_AGENT_URL
token=$SWITCHYARD_AGENT_TOKEN
hb_every=$SWITCHYARD_HEARTBEAT_SECONDS; [ -n "$hb_every" ] || hb_every=30
tick=$SWITCHYARD_LOG_INTERVAL_SECONDS; [ -n "$tick" ] || tick=1
ck_every=$SWITCHYARD_CHECKPOINT_EVERY
ck_dir=$SWITCHYARD_CHECKPOINT_DIR
out_dir=$SWITCHYARD_OUTPUTS_DIR
chunk_max=32768

client=none
if command -v curl >/dev/null 2>&1; then client=curl
elif command -v wget >/dev/null 2>&1 && wget --help 2>&1 | grep -q -- '--method'; then client=wget
elif command -v python3 >/dev/null 2>&1; then client=python3
fi
if [ -z "$base" ] || [ -z "$token" ]; then client=none; fi
if [ "$client" = none ]; then
  note "no curl, wget or python3 (or no agent URL): running the command without the agent; status comes from the provider only"
  unset SWITCHYARD_AGENT_TOKEN
  exec "$@"
fi

umask 077
work=$(mktemp -d 2>/dev/null) || { work=/tmp/switchyard-agent.$$; mkdir -p "$work"; }
log=$work/output.log
: >"$log"
printf '{}' >"$work/empty.json"
agent_pid=$$

cat >"$work/json.awk" <<'AWK'
# Flattens JSON into one line per scalar: "path<TAB>value" (mode=flat; tab and newline
# in values escaped), or, for mode=env, "export NAME='value'" for each env.NAME string.
function fail() { exit 3 }
function ws() { while (p <= n && index(" \t\r\n", substr(s, p, 1)) > 0) p++ }
function hexval(h,   i, v) { v = 0; h = tolower(h); for (i = 1; i <= 4; i++) v = v * 16 + index("0123456789abcdef", substr(h, i, 1)) - 1; return v }
function utf8(c) {
  if (c <= 0) return ""
  if (c < 128) return sprintf("%c", c)
  if (c < 2048) return sprintf("%c%c", 192 + int(c / 64), 128 + c % 64)
  return sprintf("%c%c%c", 224 + int(c / 4096), 128 + int(c / 64) % 64, 128 + c % 64)
}
function str(   out, c) {
  p++; out = ""
  while (p <= n) {
    c = substr(s, p, 1)
    if (c == "\"") { p++; return out }
    if (c == "\\") {
      p++; c = substr(s, p, 1)
      if (c == "n") out = out "\n"; else if (c == "t") out = out "\t"; else if (c == "r") out = out "\r"
      else if (c == "b") out = out "\b"; else if (c == "f") out = out "\f"
      else if (c == "u") { out = out utf8(hexval(substr(s, p + 1, 4))); p += 4 }
      else out = out c
      p++; continue
    }
    out = out c; p++
  }
  fail()
}
# v as one single-quoted sh word: each ' becomes '\''
function shq(v,   out, i) {
  out = ""
  while ((i = index(v, "\047")) > 0) { out = out substr(v, 1, i - 1) "\047\\\047\047"; v = substr(v, i + 1) }
  return "\047" out v "\047"
}
function emit(path, v) {
  if (mode == "env") {
    if (path ~ /^env\.[A-Za-z_][A-Za-z0-9_]*$/) print "export " substr(path, 5) "=" shq(v)
    return
  }
  gsub(/\\/, "\\\\", v); gsub(/\t/, "\\t", v); gsub(/\n/, "\\n", v)
  print path "\t" v
}
function key(path, k) { return path == "" ? k : path "." k }
function val(path,   c, k, i, start) {
  ws(); c = substr(s, p, 1)
  if (c == "{") {
    p++; ws(); if (substr(s, p, 1) == "}") { p++; return }
    for (;;) {
      ws(); if (substr(s, p, 1) != "\"") fail()
      k = str(); ws(); if (substr(s, p, 1) != ":") fail(); p++
      val(key(path, k)); ws(); c = substr(s, p, 1); p++
      if (c == "}") return; if (c != ",") fail()
    }
  }
  if (c == "[") {
    p++; ws(); if (substr(s, p, 1) == "]") { p++; return }
    for (i = 0; ; i++) {
      val(key(path, i)); ws(); c = substr(s, p, 1); p++
      if (c == "]") return; if (c != ",") fail()
    }
  }
  if (c == "\"") { emit(path, str()); return }
  start = p
  while (p <= n && index(",}] \t\r\n", substr(s, p, 1)) == 0) p++
  if (p == start) fail()
  emit(path, substr(s, start, p - start))
}
{ s = s $0 "\n" }
END { n = length(s); p = 1; if (n > 1) val("") }
AWK

cat >"$work/sy_http.py" <<'PY'
import os, sys, urllib.request, urllib.error
method, url, body, ctype, auth, out = sys.argv[1:7]
data = open(body, "rb") if body else None
req = urllib.request.Request(url, data=data, method=method)
if body:
    req.add_header("Content-Length", str(os.path.getsize(body)))
    req.add_header("Content-Type", ctype or "application/octet-stream")
if auth == "1":
    req.add_header("Authorization", "Bearer " + os.environ["SWITCHYARD_AGENT_TOKEN"])
try:
    res = urllib.request.urlopen(req, timeout=120)
    code, payload = res.status, res.read()
except urllib.error.HTTPError as e:
    code, payload = e.code, e.read()
except Exception as e:
    sys.stderr.write(str(e) + "\n")
    print("000")
    sys.exit(0)
with open(out, "wb") as f:
    f.write(payload)
print(code)
PY

# http METHOD URL BODY_FILE CONTENT_TYPE AUTH(1|0) OUT_FILE: prints the status (000: no answer).
http() {
  h_method=$1; h_url=$2; h_body=$3; h_type=$4; h_auth=$5; h_out=$6
  : >"$h_out"
  case $client in
    curl)
      set -- -sS -o "$h_out" -w '%{http_code}' -X "$h_method" --connect-timeout 10 --max-time 600
      if [ "$h_auth" = 1 ]; then set -- "$@" -H "Authorization: Bearer $token"; fi
      if [ -n "$h_type" ]; then set -- "$@" -H "Content-Type: $h_type"; fi
      if [ -n "$h_body" ]; then
        if [ "$h_method" = PUT ]; then set -- "$@" -T "$h_body"; else set -- "$@" --data-binary "@$h_body"; fi
      fi
      h_status=$(curl "$@" "$h_url" 2>>"$work/http.err")
      [ -n "$h_status" ] || h_status=000
      printf '%s' "$h_status"
      ;;
    wget)
      set -- -q -O "$h_out" --server-response --content-on-error --tries=1 --timeout=600 --method="$h_method"
      if [ "$h_auth" = 1 ]; then set -- "$@" --header="Authorization: Bearer $token"; fi
      if [ -n "$h_type" ]; then set -- "$@" --header="Content-Type: $h_type"; fi
      if [ -n "$h_body" ]; then set -- "$@" --body-file="$h_body"; fi
      wget "$@" "$h_url" 2>"$work/wget.err"
      awk '/^  HTTP\//{ c = $2 } END { if (c == "") c = "000"; printf "%s", c }' "$work/wget.err"
      ;;
    python3)
      python3 "$work/sy_http.py" "$h_method" "$h_url" "$h_body" "$h_type" "$h_auth" "$h_out" 2>>"$work/http.err" | tr -d '\n'
      ;;
  esac
}

# json_get FILE PATH: the value at PATH (e.g. url, uploads.0.path) in a JSON file.
json_get() {
  LC_ALL=C awk -v mode=flat -f "$work/json.awk" "$1" 2>/dev/null |
    P="$2" awk -F '\t' 'BEGIN { p = ENVIRON["P"] } $1 == p { print substr($0, length(p) + 2); exit }'
}

json_str() { printf '%s' "$1" | sed 's/\\/\\\\/g; s/"/\\"/g'; }
now_iso() { date -u +%Y-%m-%dT%H:%M:%SZ; }
size_of() { wc -c <"$1" | tr -d ' '; }
sha256_of() {
  if command -v sha256sum >/dev/null 2>&1; then sha256sum "$1" | cut -d ' ' -f 1
  elif command -v shasum >/dev/null 2>&1; then shasum -a 256 "$1" | cut -d ' ' -f 1
  elif command -v openssl >/dev/null 2>&1; then openssl dgst -sha256 "$1" | sed 's/.*= *//'
  else python3 -c 'import hashlib,sys; print(hashlib.sha256(open(sys.argv[1],"rb").read()).hexdigest())' "$1"
  fi
}

api() { http "$1" "$base$2" "$3" "$4" 1 "$5"; }

# --- heartbeats: a background loop; "cancel" is handled as a SIGTERM to the agent
# (its sleep is waited on, not left behind: a provider may wait for every process holding stdout)
heartbeat_loop() {
  hb_sleep=
  trap 'kill "$hb_sleep" 2>/dev/null; exit 0' TERM
  while :; do
    st=$(api POST /v1/agent/heartbeat "$work/empty.json" application/json "$work/hb.resp")
    if { [ "$st" = 200 ] && [ "$(json_get "$work/hb.resp" cancel)" = true ]; } || [ "$st" = 409 ]; then
      note "Switchyard ended this attempt: stopping the command"
      kill -TERM "$agent_pid" 2>/dev/null
      return 0
    fi
    if [ "$st" = 401 ]; then return 0; fi
    sleep "$hb_every" &
    hb_sleep=$!
    wait "$hb_sleep"
  done
}

# --- secrets: exported for the command only
fetch_secrets() {
  tries=0
  while [ "$tries" -lt 5 ]; do
    st=$(api GET /v1/agent/secrets "" "" "$work/secrets.json")
    case $st in
      200) LC_ALL=C awk -v mode=env -f "$work/json.awk" "$work/secrets.json" >"$work/secrets.sh" 2>/dev/null
           rm -f "$work/secrets.json"; return 0 ;;
      204|404) rm -f "$work/secrets.json"; return 0 ;;
      401|409) note "secrets refused ($st)"; rm -f "$work/secrets.json"; return 0 ;;
    esac
    tries=$((tries + 1)); sleep "$tries"
  done
  rm -f "$work/secrets.json"
  note "could not fetch secrets; the command runs without them"
}

# --- checkpoints
restore_checkpoint() {
  [ -n "$ck_dir" ] || return 0
  mkdir -p "$ck_dir"
  st=$(api GET /v1/agent/checkpoint "" "" "$work/ck.resp")
  [ "$st" = 200 ] || return 0
  url=$(json_get "$work/ck.resp" url)
  [ -n "$url" ] || return 0
  st=$(http GET "$url" "" "" 0 "$work/restore.tar.gz")
  if [ "$st" = 200 ] && tar xzf "$work/restore.tar.gz" -C "$ck_dir"; then
    note "restored the checkpoint ($(size_of "$work/restore.tar.gz") bytes)"
  else
    note "could not restore the checkpoint ($st)"
  fi
  rm -f "$work/restore.tar.gz"
}

save_checkpoint() {
  [ -n "$ck_dir" ] && [ -d "$ck_dir" ] || return 0
  [ -n "$(ls -A "$ck_dir" 2>/dev/null)" ] || return 0
  tar czf "$work/save.tar.gz" -C "$ck_dir" . 2>>"$work/http.err" || { note "could not archive the checkpoint"; return 0; }
  size=$(size_of "$work/save.tar.gz")
  printf '{"sizeBytes":%s}' "$size" >"$work/ck.req"
  st=$(api POST /v1/agent/checkpoint "$work/ck.req" application/json "$work/ck.save")
  if [ "$st" != 200 ]; then note "checkpoint refused ($st)"; rm -f "$work/save.tar.gz"; return 0; fi
  url=$(json_get "$work/ck.save" url); key=$(json_get "$work/ck.save" key)
  st=$(http PUT "$url" "$work/save.tar.gz" "" 0 "$work/ck.put")
  rm -f "$work/save.tar.gz"
  if [ "$st" != 200 ]; then note "checkpoint upload failed ($st)"; return 0; fi
  printf '{"key":"%s","sizeBytes":%s}' "$(json_str "$key")" "$size" >"$work/ck.req"
  st=$(api POST /v1/agent/checkpoint/commit "$work/ck.req" application/json "$work/ck.commit")
  [ "$st" = 204 ] || [ "$st" = 200 ] || note "checkpoint commit failed ($st)"
}

# --- logs: ship what is new since $sent, copy what is new since $shown to stdout
sent=0
shown=0
shipping=1
read_range() { tail -c +"$(($1 + 1))" "$log" 2>/dev/null | head -c "$2"; }
ship_logs() {
  size=$(size_of "$log")
  if [ "$shown" -lt "$size" ]; then read_range "$shown" "$((size - shown))"; shown=$size; fi
  rounds=0
  while [ "$shipping" = 1 ] && [ "$sent" -lt "$size" ] && [ "$rounds" -lt "$1" ]; do
    rounds=$((rounds + 1))
    count=$((size - sent)); [ "$count" -le "$chunk_max" ] || count=$chunk_max
    read_range "$sent" "$count" >"$work/chunk"
    count=$(size_of "$work/chunk")
    st=$(api POST "/v1/agent/logs?offset=$sent$2" "$work/chunk" application/octet-stream "$work/log.resp")
    case $st in
      # The server may keep back a tail that could start a secret: it asks for it again with what follows.
      200) next=$(json_get "$work/log.resp" nextOffset)
           if [ -n "$next" ] && [ "$next" -gt "$sent" ] && [ "$next" -le "$((sent + count))" ]; then sent=$next
           elif [ -n "$next" ] && [ "$next" = "$sent" ]; then return 0
           else sent=$((sent + count)); fi ;;
      409) next=$(json_get "$work/log.resp" nextOffset)
           if [ -n "$next" ] && [ "$next" -le "$size" ]; then sent=$next; else shipping=0; fi ;;
      401|413) note "logs refused ($st): no more are sent"; shipping=0 ;;
      *) return 0 ;;
    esac
  done
}

# --- outputs, at exit
upload_outputs() {
  [ -n "$out_dir" ] && [ -d "$out_dir" ] || return 0
  (cd "$out_dir" && find . -type f) 2>/dev/null | sed 's|^\./||' | grep -v '[[:cntrl:]]' >"$work/out.list"
  [ -s "$work/out.list" ] || return 0
  printf '{"files":[' >"$work/out.req"
  sep=
  while IFS= read -r rel; do
    printf '%s{"path":"%s","sizeBytes":%s,"sha256":"%s"}' "$sep" "$(json_str "$rel")" "$(size_of "$out_dir/$rel")" "$(sha256_of "$out_dir/$rel")" >>"$work/out.req"
    sep=,
  done <"$work/out.list"
  printf ']}' >>"$work/out.req"
  st=$(api POST /v1/agent/outputs "$work/out.req" application/json "$work/out.resp")
  if [ "$st" = 413 ]; then note "outputs are over the size cap: not uploaded"; return 0; fi
  if [ "$st" != 200 ]; then note "outputs refused ($st)"; return 0; fi
  LC_ALL=C awk -v mode=flat -f "$work/json.awk" "$work/out.resp" >"$work/out.flat" 2>/dev/null
  failed=0
  i=0
  while :; do
    path=$(P="uploads.$i.path" awk -F '\t' 'BEGIN { p = ENVIRON["P"] } $1 == p { print substr($0, length(p) + 2); exit }' "$work/out.flat")
    url=$(P="uploads.$i.url" awk -F '\t' 'BEGIN { p = ENVIRON["P"] } $1 == p { print substr($0, length(p) + 2); exit }' "$work/out.flat")
    [ -n "$url" ] || break
    i=$((i + 1))
    # Paths come back as sent: match them against the list, never trust them as file names.
    if ! grep -Fqx -- "$path" "$work/out.list"; then note "unexpected output path in the answer"; failed=1; continue; fi
    st=$(http PUT "$url" "$out_dir/$path" "" 0 "$work/out.put")
    if [ "$st" != 200 ]; then st=$(http PUT "$url" "$out_dir/$path" "" 0 "$work/out.put"); fi
    [ "$st" = 200 ] || { note "upload of an output failed ($st)"; failed=1; }
  done
  if [ "$failed" = 0 ]; then
    st=$(api POST /v1/agent/outputs/commit "$work/empty.json" application/json "$work/out.commit")
    [ "$st" = 204 ] || [ "$st" = 200 ] || note "outputs commit failed ($st)"
  fi
}

report_exit() {
  printf '{"exitCode":%s,"endedAt":"%s"}' "$1" "$2" >"$work/exit.req"
  tries=0
  while [ "$tries" -lt 5 ]; do
    st=$(api POST /v1/agent/exit "$work/exit.req" application/json "$work/exit.resp")
    case $st in 200|204|400|401|409) return 0 ;; esac
    tries=$((tries + 1)); sleep "$tries"
  done
  note "could not report the exit code ($st)"
}

# --- main
terminating=0
child=
on_term() {
  terminating=1
  if [ -n "$child" ]; then kill -TERM "$child" 2>/dev/null; fi
}
trap on_term TERM INT

heartbeat_loop &
hb_pid=$!
fetch_secrets
restore_checkpoint

if [ "$terminating" = 1 ]; then
  code=143
else
  (
    if [ -f "$work/secrets.sh" ]; then . "$work/secrets.sh"; fi
    rm -f "$work/secrets.sh"
    unset SWITCHYARD_AGENT_TOKEN
    exec "$@"
  ) >"$log" 2>&1 &
  child=$!
  ck_next=
  if [ -n "$ck_every" ] && [ -n "$ck_dir" ]; then ck_next=$(($(date +%s) + ck_every)); fi
  ck_pid=
  while kill -0 "$child" 2>/dev/null; do
    ship_logs 4
    if [ -n "$ck_next" ] && [ "$(date +%s)" -ge "$ck_next" ]; then
      if [ -z "$ck_pid" ] || ! kill -0 "$ck_pid" 2>/dev/null; then
        save_checkpoint &
        ck_pid=$!
      fi
      ck_next=$(($(date +%s) + ck_every))
    fi
    sleep "$tick"
  done
  wait "$child"
  code=$?
  if [ -n "$ck_pid" ]; then wait "$ck_pid" 2>/dev/null; fi
fi
ended=$(now_iso)
rm -f "$work/secrets.sh"

if [ "$terminating" = 1 ]; then save_checkpoint; fi
ship_logs 100000 '&final=true'
upload_outputs
report_exit "$code" "$ended"
kill "$hb_pid" 2>/dev/null
rm -rf "$work"
exit "$code"
`;

/** argv[0] of the wrapper: `sh -c AGENT_SCRIPT switchyard-agent cmd…` makes "$@" the job's command. */
export const AGENT_ARGV0 = 'switchyard-agent';

/** The wrapped command line for a job's command. */
export const agentCommand = (command: string[]): string[] => ['sh', '-c', AGENT_SCRIPT, AGENT_ARGV0, ...command];
