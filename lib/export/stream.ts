/**
 * Streaming helpers: a byte stream that pulls one batch at a time from the data layer, so an
 * export of any length is never held in memory (the next batch is read only when the reader has
 * taken the last one).
 */
const encoder = new TextEncoder();

export function textStream(chunks: AsyncGenerator<string, void, undefined>, onError: (error: unknown) => void = () => {}): ReadableStream<Uint8Array> {
  return new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        try {
          const { value, done } = await chunks.next();
          if (done) controller.close();
          else controller.enqueue(encoder.encode(value));
        } catch (error) {
          onError(error);
          // The reader sees a broken download (never a stack trace); what went wrong goes to the log.
          controller.error(new Error("export failed"));
        }
      },
      async cancel() {
        await chunks.return(undefined);
      },
    },
    // One batch queued at most: back-pressure reaches the database reads.
    { highWaterMark: 1 },
  );
}

/** Reads a whole async generator of text (for tests and small exports). */
export async function collectText(chunks: AsyncIterable<string>): Promise<string> {
  let out = "";
  for await (const chunk of chunks) out += chunk;
  return out;
}
