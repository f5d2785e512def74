// Orders the uci object's file writers in this process as rpcd's single thread orders them:
// commits and reverts of different sessions may run together (each takes the config's lock
// anyway), but apply, confirm, rollback and the rollback timer run alone, after every commit
// already started and before any started later. Without it, a commit that passed the "no apply
// pending" check and then waited for the config's lock could land after a rollback-apply took
// its snapshot, and that apply's rollback would undo an acknowledged commit (on rpcd the check
// and the commit are one uninterrupted handler).

export class WriteGate {
  /** Settles when the last exclusive run queued so far has ended. */
  private barrier: Promise<void> = Promise.resolve();
  /** Shared runs started or queued, each settling when it ends. */
  private readonly running = new Set<Promise<void>>();

  /** Runs fn after the exclusive runs queued before it; other shared runs may overlap it. */
  shared<T>(fn: () => T | Promise<T>): Promise<T> {
    const run = this.barrier.then(fn);
    const ended = run.then(
      () => undefined,
      () => undefined,
    );
    this.running.add(ended);
    void ended.then(() => this.running.delete(ended));
    return run;
  }

  /** Runs fn alone: after every run queued before it, and before any queued after it. */
  exclusive<T>(fn: () => T | Promise<T>): Promise<T> {
    const run = Promise.all([this.barrier, ...this.running]).then(fn);
    this.barrier = run.then(
      () => undefined,
      () => undefined,
    );
    return run;
  }
}
