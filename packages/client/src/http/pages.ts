/**
 * Every page of a paged answer: fetches the first page (at `cursor`, or the start), then each
 * `nextCursor` in turn until a page has none.
 */
export async function* pages<T extends { nextCursor?: string | undefined }>(
  cursor: string | undefined,
  fetchPage: (cursor: string | undefined) => Promise<T>,
): AsyncIterable<T> {
  let next = cursor;
  for (;;) {
    const page = await fetchPage(next);
    yield page;
    if (!page.nextCursor) return;
    next = page.nextCursor;
  }
}
