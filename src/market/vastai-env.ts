// How the fake reads createInstance's `env` string (Docker flag format, openapi.yaml
// PUT /api/v0/asks/{id}): shell-style words, `-e NAME=VALUE` pairs kept in order, `-p` and
// other flags skipped. Vast does not publish its parser; this is the plain reading.
export const parseDockerEnvFlags = (flags: string): Array<[string, string]> => {
  const words: string[] = [];
  let current = '';
  let quote: string | undefined;
  let inWord = false;
  for (const ch of flags) {
    if (quote) {
      if (ch === quote) quote = undefined;
      else current += ch;
    } else if (ch === "'" || ch === '"') {
      quote = ch;
      inWord = true;
    } else if (/\s/.test(ch)) {
      if (inWord) words.push(current);
      current = '';
      inWord = false;
    } else {
      current += ch;
      inWord = true;
    }
  }
  if (inWord) words.push(current);
  const pairs: Array<[string, string]> = [];
  for (let i = 0; i < words.length; i += 1) {
    if (words[i] !== '-e' || words[i + 1] === undefined) continue;
    const w = words[(i += 1)]!;
    const eq = w.indexOf('=');
    if (eq > 0) pairs.push([w.slice(0, eq), w.slice(eq + 1)]);
  }
  return pairs;
};
