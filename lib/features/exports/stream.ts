/**
 * Streaming helpers: a byte stream that pulls one batch at a time from the data layer, so an
 * export of any length is never held in memory (the next batch is read only when the reader has
 * taken the last one).
 */
import "server-only";
export function byteStream(chunks: AsyncGenerator<Uint8Array, void, undefined>, onError: (error: unknown) => void = () => {}): ReadableStream<Uint8Array> {
  return new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        try {
          const { value, done } = await chunks.next();
          if (done) controller.close();
          else controller.enqueue(value);
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
