// Reads a Server-Sent Events response in tests: wait for a piece of text, then parse the
// `data:` of every event of one type.
export interface SseReader {
  res: Response;
  /** Everything received so far. */
  raw: () => string;
  /** Reads until the text has arrived; throws if the stream ends first. */
  readUntil: (needle: string) => Promise<void>;
  /** The parsed `data:` of every received event with this `event:` name, in order. */
  dataOf: <T>(event: string) => T[];
  /** True when the server has closed the stream (after everything received). */
  closed: () => Promise<boolean>;
}

export const openSse = async (url: string, headers: Record<string, string>): Promise<SseReader> => {
  const res = await fetch(url, { headers });
  const reader = res.body!.getReader();
  const decoder = new TextDecoder();
  let raw = '';
  return {
    res,
    raw: () => raw,
    readUntil: async (needle) => {
      while (!raw.includes(needle)) {
        const { value, done } = await reader.read();
        if (done) throw new Error(`stream ended before "${needle}": ${raw}`);
        raw += decoder.decode(value, { stream: true });
      }
    },
    dataOf: <T>(event: string) =>
      raw
        .split('\n\n')
        .filter((e) => e.includes(`event: ${event}`))
        .map((e) => JSON.parse(e.split('\n').find((l) => l.startsWith('data: '))!.slice(6)) as T),
    closed: async () => (await reader.read()).done,
  };
};
