// The job agent's shell, part: Runs the command under all of the above and exits with its code.
// A String.raw template: no dollar-brace expansions (see ../agent-script.ts).
export const MAIN = String.raw`
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
