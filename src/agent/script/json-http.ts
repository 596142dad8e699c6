// The job agent's shell, part: The JSON reader (awk) and the HTTP call on curl, wget or python3, with json_get and api.
// A String.raw template: no dollar-brace expansions (see ../agent-script.ts).
export const JSON_AND_HTTP = String.raw`
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

`;
