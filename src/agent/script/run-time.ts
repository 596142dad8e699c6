// The job agent's shell, part: Heartbeats, secrets for the command only, checkpoint restore and save.
// A String.raw template: no dollar-brace expansions (see ../agent-script.ts).
export const RUN_TIME = String.raw`
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

`;
