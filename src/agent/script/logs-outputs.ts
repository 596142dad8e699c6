// The job agent's shell, part: Log shipping (with the server holding back a possible secret start), outputs at exit, the exit report.
// A String.raw template: no dollar-brace expansions (see ../agent-script.ts).
export const LOGS_AND_OUTPUTS = String.raw`
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

`;
