// POSIX shell quoting for RunPod's `args`, which REST v2 takes as one string
// (BaseContainerConfig.args: "Arguments passed to the container entrypoint").
// Each word is wrapped in single quotes, with an embedded `'` written as `'\''`, so a
// POSIX word splitter gives back exactly the argv we meant: no expansion, no globbing.
const SAFE_WORD = /^[A-Za-z0-9_@%+=:,./-]+$/;

export const shellQuote = (word: string): string =>
  word !== '' && SAFE_WORD.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;

export const shellJoin = (argv: string[]): string => argv.map(shellQuote).join(' ');
