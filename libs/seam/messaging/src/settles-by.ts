/**
 * Whether `work` settles by `at` (a `performance.now()` time; no limit when undefined). Its
 * rejection is passed on when it settles in time; the wait's timer is cleared either way, so that
 * it never holds a stopping process open.
 */
export async function settlesBy(work: Promise<unknown>, at: number | undefined): Promise<boolean> {
  if (at === undefined) {
    await work;
    return true;
  }
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), at - performance.now())));
  try {
    return await Promise.race([work.then(() => true as const), late]);
  } finally {
    clearTimeout(timer);
  }
}
