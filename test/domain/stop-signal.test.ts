import { describe, expect, it } from 'vitest';
import { StopController, unlessStopped } from '../../src/domain/shared/stop-signal.js';

describe('StopController', () => {
  it('should tell every listener once, with the first reason, and ignore later stops', () => {
    const controller = new StopController();
    const heard: string[] = [];
    controller.signal.onStop((reason) => heard.push(`a:${reason}`));
    controller.signal.onStop((reason) => heard.push(`b:${reason}`));

    controller.stop('DEADLINE_EXCEEDED');
    controller.stop('SHUTDOWN');

    expect(heard).toEqual(['a:DEADLINE_EXCEEDED', 'b:DEADLINE_EXCEEDED']);
    expect(controller.reason).toBe('DEADLINE_EXCEEDED');
    expect(controller.signal.reason).toBe('DEADLINE_EXCEEDED');
  });

  it('should tell a listener that comes after the stop at once, and not tell one that unsubscribed', () => {
    const controller = new StopController();
    const heard: string[] = [];
    const unsubscribe = controller.signal.onStop(() => heard.push('gone'));
    unsubscribe();
    expect(controller.signal.reason).toBeUndefined();

    controller.stop('SHUTDOWN');
    const late = controller.signal.onStop((reason) => heard.push(`late:${reason}`));
    late();

    expect(heard).toEqual(['late:SHUTDOWN']);
  });

  it('should stop when the signal it follows stops, until it unfollows, and follow nothing when given nothing', () => {
    const parent = new StopController();
    const child = new StopController();
    const other = new StopController();
    child.follow(parent.signal);
    const unfollow = other.follow(parent.signal);
    unfollow();
    const none = new StopController();
    expect(() => none.follow(undefined)()).not.toThrow();

    parent.stop('SHUTDOWN');

    expect(child.reason).toBe('SHUTDOWN');
    expect(other.reason).toBeUndefined();
    expect(none.reason).toBeUndefined();
  });
});

describe('unlessStopped', () => {
  it("should settle with the work's value, or its error, when the signal does not stop", async () => {
    const controller = new StopController();
    await expect(unlessStopped(Promise.resolve(42), controller.signal)).resolves.toBe(42);
    await expect(unlessStopped(Promise.reject(new Error('boom')), controller.signal)).rejects.toThrow('boom');
  });

  it('should settle with undefined as soon as the signal stops, ignoring the late result', async () => {
    const controller = new StopController();
    let finish!: (value: number) => void;
    const pending = unlessStopped(new Promise<number>((resolve) => (finish = resolve)), controller.signal);
    controller.stop('DEADLINE_EXCEEDED');
    finish(7);
    await expect(pending).resolves.toBeUndefined();
  });

  it('should settle with undefined at once for a signal already stopped, and swallow the work failing later', async () => {
    const controller = new StopController();
    controller.stop('SHUTDOWN');
    let fail!: (error: Error) => void;
    const work = new Promise<number>((_resolve, reject) => (fail = reject));
    const settled = unlessStopped(work, controller.signal);
    fail(new Error('late failure'));
    await expect(settled).resolves.toBeUndefined();
    // An unhandled rejection of `work` would fail this test file.
    await new Promise((resolve) => setImmediate(resolve));
  });
});
