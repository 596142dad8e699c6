// The job agent's shell, part: Arguments, settings, the HTTP client it can use (or none: run the command bare), the work folder.
// A String.raw template: no dollar-brace expansions (see ../agent-script.ts).
export const PRELUDE = String.raw`
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

`;
