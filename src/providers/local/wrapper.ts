// The tiny sh wrapper every local run starts under: it leads the run's process group, runs the
// command in the foreground and writes the command's exit code to a file, so the code
// survives Switchyard (a kill -9 of Switchyard does not reach the run, whose group is its own).
//   sh -c WRAPPER switchyard-run <exit file> <command…>
// Its trap makes SIGTERM/SIGHUP/SIGINT (a stop sent to the whole group) wait for the command:
// POSIX defers a trap while the shell waits for a foreground command, and a caught signal is
// reset to its default in the command, so the command still gets and handles the signal itself.
// Shell built-ins only (a job may run with a PATH that has no mv): the code is one short write
// ending in a newline, and a reader takes the file only once that newline is there.
// Only SIGKILL of the wrapper loses the code; the provider then stops what is left of the run.
export const WRAPPER = `
trap 'stopping=1' TERM HUP INT
exit_file=$1
shift
"$@"
code=$?
printf '%s\\n' "$code" > "$exit_file"
exit "$code"
`;

export const WRAPPER_ARGV0 = 'switchyard-run';

export const wrapped = (exitFile: string, command: string[]): string[] => ['sh', '-c', WRAPPER, WRAPPER_ARGV0, exitFile, ...command];
