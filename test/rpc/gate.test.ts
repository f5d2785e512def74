// The write gate of the uci object (rpc/uci/gate.ts): commits overlap each other; apply,
// confirm, rollback and the rollback timer run alone, in the order they were asked for.
import { expect, it } from 'vitest';
import { WriteGate } from '../../rpc/uci/gate.js';

const tick = () => new Promise((r) => setTimeout(r, 5));

it('shared runs overlap; an exclusive run waits for those started before it and holds back those after it', async () => {
  const gate = new WriteGate();
  const log: string[] = [];
  const step = (name: string) => async () => {
    log.push(`${name}+`);
    await tick();
    log.push(`${name}-`);
  };
  const runs = [gate.shared(step('c1')), gate.shared(step('c2')), gate.exclusive(step('apply')), gate.shared(step('c3')), gate.exclusive(step('confirm'))];
  await Promise.all(runs);
  expect(log).toEqual(['c1+', 'c2+', 'c1-', 'c2-', 'apply+', 'apply-', 'c3+', 'c3-', 'confirm+', 'confirm-']);
});

it('a run that throws rejects its caller only; the gate goes on', async () => {
  const gate = new WriteGate();
  await expect(gate.exclusive(() => Promise.reject(new Error('disk full')))).rejects.toThrow('disk full');
  await expect(gate.shared(() => Promise.reject(new Error('lock')))).rejects.toThrow('lock');
  expect(await gate.exclusive(() => 1)).toBe(1);
  expect(await gate.shared(() => 2)).toBe(2);
});
