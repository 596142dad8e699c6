// Replaces secret values in text the job emits (log chunks) before it is stored. Short
// values are left alone: redacting "1" or "ab" would shred ordinary output and protect nothing.
export const REDACTED = '[redacted]';
const MIN_REDACTED_CHARS = 4;

export const redactor = (values: string[]): ((text: string) => string) => {
  // Longest first, so a value containing another is replaced whole.
  const secrets = [...new Set(values.filter((v) => v.length >= MIN_REDACTED_CHARS))].sort((a, b) => b.length - a.length);
  if (secrets.length === 0) return (text) => text;
  return (text) => secrets.reduce((out, secret) => out.split(secret).join(REDACTED), text);
};
