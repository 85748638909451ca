// Reading an event stream (GET /events) in tests.

/** Reads a stream's text until it holds `needle` or ends; what was read, for assertions. */
export async function readUntil(
  reader: ReadableStreamDefaultReader<string>,
  needle: string,
): Promise<string> {
  let text = '';
  while (!text.includes(needle)) {
    const { value, done } = await reader.read();
    if (done) break;
    text += value;
  }
  return text;
}
