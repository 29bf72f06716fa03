/**
 * Periodic work in a serving process (following the change feed, applying what fell due): one run
 * at a time, and a run asked for while one is in progress happens once more right after it.
 */
export interface Repeating {
  /** Runs now (or once more after the run in progress). */
  trigger(): void;
  /** Stops the timer; a run in progress finishes. */
  stop(): void;
}

export function repeat(everyMs: number, run: () => Promise<void>, onError: (err: unknown) => void): Repeating {
  let running = false;
  let again = false;
  let stopped = false;
  const go = () => {
    if (stopped) return;
    if (running) {
      again = true;
      return;
    }
    running = true;
    run()
      .catch(onError)
      .finally(() => {
        running = false;
        if (again) {
          again = false;
          go();
        }
      });
  };
  if (everyMs <= 0) return { trigger: () => {}, stop: () => {} };
  const t = setInterval(go, everyMs);
  t.unref();
  return {
    trigger: go,
    stop: () => {
      stopped = true;
      clearInterval(t);
    },
  };
}

/** A promise-chain mutex: writes that must update the gate run one at a time in a process. */
export type Serialiser = <T>(fn: () => Promise<T>) => Promise<T>;

export function serialiser(): Serialiser {
  let tail: Promise<unknown> = Promise.resolve();
  return <T>(fn: () => Promise<T>): Promise<T> => {
    const run = tail.then(fn, fn);
    tail = run.catch(() => undefined);
    return run;
  };
}
